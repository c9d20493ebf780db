#!/usr/bin/env bash
# Dispatch suggestions over HTTP on the demo city (embedded SQLite): wrk posts drafts to
# POST /api/v1/suggestions as a hotline agent against a release build, with everything a real suggestion
# uses in play: the Beijing demo city (30,632 units) with a polygon for every one of its 21,776 grids
# (point-in-polygon), the gazetteer for drafts without coordinates, the demo taxonomy and duty rules, a
# category and a unit classifier, and 3,000 open demands so duplicate detection has candidates near the
# drafts. All data is synthetic (scripts/bench/suggest_data.py). The first connection count is also run
# before the open demands are posted, to show what duplicate detection costs.
# Usage: scripts/bench/suggest.sh [duration, default 20s] [connections, default 16; a list such as 16,4 runs wrk once per count]
# With SUGGEST_PERF=1 (needs perf), one more run with the first connection count profiles the server and
# lists the functions that matter (inclusive share of the server's CPU samples).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20s}
CONNECTIONS=${2:-16}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }

WORK=$(mktemp -d /tmp/whistle-suggest.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
swift build -c release --product whistle --scratch-path .build-release >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
BIN=.build-release/release/whistle
DATA=scripts/bench/suggest_data.py
DEMO=Sources/WhistleServer/Resources/demo
DB="sqlite:$WORK/city.sqlite"
PORT=$((20000 + RANDOM % 20000))
URL="http://127.0.0.1:$PORT"

start() {  # start the server (extra arguments are passed on) and wait until it is ready
  WHISTLE_DEADLINES_ENABLED=false WHISTLE_DISPATCH_RELOAD=1 "$BIN" serve --db "$DB" --port "$PORT" --log-level warning "$@" >>"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 600); do curl -sf "$URL/readyz" >/dev/null && return; sleep 0.1; done
  echo "server did not get ready:" >&2; tail -20 "$WORK/server.log" >&2; exit 1
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" || true; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
machine_ticks() { head -1 /proc/stat; }  # cpu user nice system idle iowait irq softirq steal …

bench() {  # bench LABEL CONNECTIONS [PROFILE]
  echo "== $1: wrk -t1 -c$2 -d$DURATION --latency POST /api/v1/suggestions ($(grep -c '^\[==\[' "$WORK/bodies.lua") drafts in rotation)"
  curl -sf "$URL/metrics" >"$WORK/metrics.before"
  local ticks machine profiler=""
  ticks=$(cpu_ticks)
  machine=$(machine_ticks)
  if [ -n "${3:-}" ]; then
    local seconds=${DURATION%s}; [[ $DURATION == *m ]] && seconds=$(( ${DURATION%m} * 60 ))
    perf record -F 499 -g -p "$SERVER" -o "$WORK/perf.data" -- sleep "$seconds" >/dev/null 2>&1 &
    profiler=$!
  fi
  wrk -t1 -c"$2" -d"$DURATION" --latency -s "$WORK/suggest.lua" "$URL/api/v1/suggestions" \
    | grep -E "Latency|^ +(50|90|99)%|requests in|Requests/sec|Non-2xx|Socket errors"
  ticks=$(( $(cpu_ticks) - ticks ))
  printf '%s\n%s\n' "$machine" "$(machine_ticks)" | awk '
    { total[NR] = 0; for (i = 2; i <= NF; i++) total[NR] += $i; idle[NR] = $5 + $6; steal[NR] = $9 }
    END { t = total[2] - total[1]; printf "machine during the run: %.0f%% busy, %.0f%% idle, %.1f%% stolen by the host\n",
          100 * (t - (idle[2] - idle[1]) - (steal[2] - steal[1])) / t, 100 * (idle[2] - idle[1]) / t, 100 * (steal[2] - steal[1]) / t }'
  curl -sf "$URL/metrics" >"$WORK/metrics.after"
  python3 "$DATA" metrics "$WORK/metrics.before" "$WORK/metrics.after" --cpu-ticks "$ticks"
  if [ -n "$profiler" ]; then
    wait "$profiler" || true
    echo "where the server's CPU goes (perf, inclusive; async frames split some callers, so shares do not add up):"
    perf report -i "$WORK/perf.data" --children --sort sym -g none 2>/dev/null | grep -E '^ +[0-9]' | awk '
      /duplicateCandidates/ && !a++ { print "  " $1 " fetch duplicate candidates (DemandRepository.duplicateCandidates)" }
      /WhistleCore6DemandV4from/ && !b++ { print "  " $1 "   of which decoding demand documents (Demand.init(from:))" }
      /Duplicates[A-Z0-9]*7propose/ && !c++ { print "  " $1 " score duplicate candidates (Duplicates.propose)" }
      /DispatchAdvisorV6advise/ && !d++ { print "  " $1 " place, classifiers, route (DispatchAdvisor.advise)" }
      /TextClassifierV7suggest/ && !e++ { print "  " $1 "   of which the two classifiers (TextClassifier.suggest)" }
      /GridIndexV6search/ && !f++ { print "  " $1 "   of which point-in-polygon (GridIndex)" }
      /JSONEncoderC6encode/ && !g++ { print "  " $1 " encoding the answer (JSONEncoder)" }
      /sqlite3_prepare_v3/ && !h++ { print "  " $1 " preparing SQL statements (sqlite3_prepare_v3)" }
      /sqlite3_step/ && !i++ { print "  " $1 " running SQL statements (sqlite3_step)" }
      /TokenRepositoryV10assignment/ && !j++ { print "  " $1 " bearer token lookup (TokenRepository.assignment)" }
      /hexString/ && !k++ { print "  " $1 "   of which hex of the token hash (hexString)" }'
  fi
}

if git rev-parse --git-dir >/dev/null 2>&1; then
  COMMIT="commit $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- Sources)" ] || echo ' (with uncommitted changes in Sources)')"
else
  COMMIT="source tree $(pwd) (not a git checkout)"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr); $COMMIT"

# 1. The demo city, taxonomy and duty rules, seeded by the server on a fresh file.
start --demo
stop

# 2. Grid polygons, trained classifiers, a hotline agent and its token (the server is stopped: no reload to wait for).
python3 "$DATA" prepare --db "$WORK/city.sqlite" --taxonomy "$DEMO/demo-taxonomy.csv" --duties "$DEMO/demo-duties.csv" --out "$WORK"
"$BIN" import grids "$WORK/grids.geojson" --db "$DB"
"$BIN" classifier train --data "$WORK/category.csv" --target category --db "$DB"
"$BIN" classifier train --data "$WORK/unit.csv" --target unit --db "$DB"
"$BIN" user add --id agent --name 话务员 --role hotline_agent --unit 110000-RXZX --db "$DB" >/dev/null
TOKEN=$("$BIN" token issue --user agent --role hotline_agent --unit 110000-RXZX --db "$DB")

cat > "$WORK/suggest.lua" <<LUA
-- Rotates over the pre-generated drafts; each wrk thread keeps its own position.
local bodies = dofile("$WORK/bodies.lua")
local next_body = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
function request()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, "/api/v1/suggestions", nil, bodies[next_body])
end
LUA

start
FIRST=${CONNECTIONS%%,*}
python3 "$DATA" check --url "$URL" --token "$TOKEN" --file "$WORK/bodies.json" --rounds 1 >/dev/null  # warm-up
bench "no open demands (duplicate detection finds no candidates)" "$FIRST"

# 3. Open demands near the drafts, then a look at what the answers hold (and their latency with one client).
python3 "$DATA" post --url "$URL" --token "$TOKEN" --file "$WORK/demands.jsonl" --threads 4
python3 "$DATA" check --url "$URL" --token "$TOKEN" --file "$WORK/bodies.json"
sed -n 2p "$WORK/bodies.lua" | sed -e 's/^\[==\[//' -e 's/\]==\],$//' >"$WORK/one.json"
curl -s -o /dev/null -w "one request with curl: connect %{time_connect}s, first byte %{time_starttransfer}s, total %{time_total}s, HTTP %{http_code}\n" \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data-binary "@$WORK/one.json" "$URL/api/v1/suggestions"

for connections in ${CONNECTIONS//,/ }; do
  bench "3,000 open demands" "$connections"
done
if [ -n "${SUGGEST_PERF:-}" ]; then bench "3,000 open demands, profiled (perf slows the server: figures not comparable)" "$FIRST" profile; fi
stop
if grep -qiE '"level":"(error|critical)"' "$WORK/server.log"; then echo "server log errors:"; grep -iE '"level":"(error|critical)"' "$WORK/server.log" | head -5; fi
