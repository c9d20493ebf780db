#!/usr/bin/env bash
# Intake throughput over HTTP on embedded SQLite with durable commits (WAL, synchronous=FULL): wrk posts
# demands as a hotline agent against a release build, first with intake batching and group commit (the
# defaults), then with one transaction and one fsync per demand (intake.batch=1, db.sqlite.batch=1), so
# the two are compared in one run.
# Usage: scripts/bench/intake.sh [duration, default 20s] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20s}
CONNECTIONS=${2:-64}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }

swift build -c release --product whistle --scratch-path .build-release >/dev/null
BIN=.build-release/release/whistle
WORK=$(mktemp -d /tmp/whistle-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

cat > "$WORK/city.csv" <<'CSV'
code,name,kind,parent_code
110000,北京市,city,
110000-RXZX,北京市12345市民服务热线中心,department,110000
CSV

run() {  # run LABEL BATCH (applies to both intake.batch and db.sqlite.batch)
  local db="sqlite:$WORK/$1.sqlite" port=$((20000 + RANDOM % 20000))
  "$BIN" import divisions "$WORK/city.csv" --db "$db" >/dev/null
  "$BIN" user add --id agent --name 话务员 --role hotline_agent --unit 110000-RXZX --db "$db" >/dev/null
  local token
  token=$("$BIN" token issue --user agent --role hotline_agent --unit 110000-RXZX --db "$db")
  WHISTLE_INTAKE_BATCH=$2 WHISTLE_DB_SQLITE_BATCH=$2 WHISTLE_DEADLINES_ENABLED=false "$BIN" serve --db "$db" --port "$port" --log-level warning >"$WORK/$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  cat > "$WORK/intake.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"type":"complaint","channel":"phone","content":"小区门口路灯不亮已一周，晚上出行不便","location":{"address":"朝阳区望京西园一区","areaCode":"110105026"},"complainant":{"name":"张三","phone":"13812345678"}}'
LUA
  echo "== $1 (intake.batch=$2, db.sqlite.batch=$2): wrk -t1 -c$CONNECTIONS -d$DURATION --latency"
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/intake.lua" "http://127.0.0.1:$port/api/v1/demands" \
    | grep -E "Latency|50%|90%|99%|requests in|Requests/sec|Non-2xx|Socket errors"
  kill -TERM $pid; wait $pid || true
  echo "stored: $("$BIN" audit verify --db "$db")"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
run batched 128
run one-fsync-per-demand 1
