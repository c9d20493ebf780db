#!/usr/bin/env bash
# Runs the whole test suite: the OpenAPI document checks, the build, API fuzzing with schemathesis, the
# Open311 clients and the console in headless Chromium when they are installed, and every test target. The store suite
# runs on SQLite, and on PostgreSQL too: on the server WHISTLE_TEST_POSTGRES_URL names, or else on a
# throwaway cluster on 127.0.0.1 started here when PostgreSQL is installed (apt-get install postgresql).
# Without either, the PostgreSQL tests are reported as skipped, with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] || return 0
  PG_DIR=$(mktemp -d /tmp/whistle-pg.XXXXXX)
  local port=$((20000 + RANDOM % 20000))
  # initdb refuses to run as root: run the cluster as the postgres user the package created.
  local as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C >"$PG_DIR/initdb.log"
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c max_connections=300" start >/dev/null
  PG_STOP=("${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop)
  export WHISTLE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  export WHISTLE_TEST_POSTGRES_BIN="$bin"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') started for the tests on 127.0.0.1:$port"
}

cleanup() {
  if [ -n "${PG_DIR:-}" ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; fi
}
trap cleanup EXIT

if [ -z "${WHISTLE_TEST_POSTGRES_URL:-}" ]; then start_postgres; fi

echo "== OpenAPI document: valid, and the generated code matches it"
python3 -m openapi_spec_validator openapi/openapi.yaml
scripts/generate-openapi.sh --check

echo "== Build"
swift build --build-tests

echo "== API fuzzing: schemathesis against the served OpenAPI document"
if [ -n "${SCHEMATHESIS:-}" ] || command -v schemathesis >/dev/null; then
  scripts/api-fuzz.sh
elif [ "${WHISTLE_REQUIRE_FUZZ:-}" = 1 ]; then
  echo "schemathesis is required here but not installed" >&2; exit 1
else
  echo "skipped: schemathesis is not installed (pip install schemathesis==4.32.5)"
fi

echo "== Open311 clients: georeport and FixMyStreet-style posts against a live server"
if python3 -c "import georeport, requests" 2>/dev/null; then
  scripts/open311-clients.sh
elif [ "${WHISTLE_REQUIRE_FUZZ:-}" = 1 ]; then
  echo "the Open311 clients are required here but not installed (pip install georeport==0.3.1)" >&2; exit 1
else
  echo "skipped: georeport is not installed (pip install georeport==0.3.1)"
fi

echo "== Console: headless Chromium through a demand's whole loop (screenshots in ci-artifacts/console)"
if command -v chromium >/dev/null && python3 -c "import playwright" 2>/dev/null; then
  scripts/console-browser.sh
elif [ "${WHISTLE_REQUIRE_BROWSER:-}" = 1 ]; then
  echo "the browser test is required here but chromium or playwright is missing (apt-get install chromium; pip install playwright)" >&2; exit 1
else
  echo "skipped: needs chromium (apt-get install chromium fonts-wqy-microhei) and playwright (pip install playwright)"
fi

echo "== Tests"
swift test --skip-build
