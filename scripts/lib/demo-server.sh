# Sourced by the scripts that test a live server: starts the built `whistle serve --demo` on a fresh SQLite
# file in a temporary folder on a random port, waits until it is ready, and stops it and removes the folder
# on exit. Sets BIN, WORK, DB, PORT, SERVER. Usage: . scripts/lib/demo-server.sh NAME
BIN=.build/debug/whistle
WORK=$(mktemp -d "/tmp/whistle-$1.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="sqlite:$WORK/$1.sqlite"
PORT=$((20000 + RANDOM % 20000))
# start_server starts it (again, after a restart_server's stop): SERVER is its process.
start_server() {
  "$BIN" serve --demo --db "$DB" --port "$PORT" --log-level error --log-format text >>"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
}
# restart_server stops it and starts it on the same file, e.g. to load what the CLI imported meanwhile.
restart_server() {
  kill "$SERVER"
  wait "$SERVER" 2>/dev/null || true
  start_server
}
start_server
