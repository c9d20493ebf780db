#!/usr/bin/env bash
# Retiming every open demand after a holiday schedule import, on a Beijing-size month (the database of
# scripts/bench/console.sh). The release server runs its deadline service; it first fires what fell due since the
# month's simulated end (the backlog, waited out), then a made-up 2027 schedule is imported with the CLI, as an
# operator would, and the script waits for the `calendar.retimed` audit entry: time from import to done, and how
# many open demands were rewritten. Intake (POST /api/v1/demands, one at a time) is timed idle and during the walk,
# since each batch holds SQLite's single writer.
# Usage: scripts/bench/retime.sh [database file, default /tmp/whistle-ranking-bench.sqlite] [demands a year, default 26000000]
set -euo pipefail
cd "$(dirname "$0")/../.."
FILE=${1:-/tmp/whistle-ranking-bench.sqlite}
SCALE=${2:-26000000}
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }

WORK=$(mktemp -d /tmp/whistle-retime-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
. scripts/bench/month.sh
"$BIN" user add --db "$DB" --id b-agent --name b-agent --role hotline_agent --unit 110000-RXZX >/dev/null 2>&1 || true
TOKEN=$("$BIN" token issue --db "$DB" --user b-agent --role hotline_agent --unit 110000-RXZX)

PORT=$((20000 + RANDOM % 20000))
BASE="http://127.0.0.1:$PORT"
WHISTLE_CLASSIFIER_RETRAIN=0 WHISTLE_DISPATCH_RELOAD=5 "$BIN" serve --db "$DB" --port "$PORT" --log-level info >"$WORK/server.log" 2>&1 &
for _ in $(seq 900); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done

fired() { grep -c "deadline timers fired" "$WORK/server.log" || true; }
# The backlog: wait until 10 s pass with nothing fired.
last=-1
while [ "$(fired)" != "$last" ]; do last=$(fired); sleep 10; done
echo "backlog fired in $last sweeps"

intake() {  # one intake, its time in seconds
  curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$BASE/api/v1/demands" \
    -d "{\"type\":\"complaint\",\"channel\":\"phone\",\"content\":\"重新计时基准 路灯不亮\",\"location\":{\"address\":\"望京\",\"areaCode\":\"110105026\"}}"
}
summary() {  # times in seconds on stdin: count, median, 90th percentile and max in ms
  python3 -c "
import statistics, sys
t = sorted(float(x) * 1000 for x in sys.stdin)
print(f'{len(t)} intakes: median {statistics.median(t):.1f} ms, p90 {t[int(len(t) * 0.9)]:.1f} ms, max {t[-1]:.1f} ms')"
}
echo "idle: $(for _ in $(seq 100); do intake; done | summary)"

cat >"$WORK/2027.json" <<'JSON'
{ "year": 2027, "source": "benchmark: made-up schedule (元旦 only)",
  "holidays": [{ "nameZh": "元旦", "nameEn": "New Year's Day", "firstDay": "2027-01-01", "lastDay": "2027-01-01" }],
  "makeUpWorkdays": [] }
JSON
START=$(python3 -c "import time; print(int(time.time() * 1000))")
"$BIN" calendar import --db "$DB" "$WORK/2027.json" >/dev/null
done_entry() {
  python3 - "$FILE" "$START" <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT at, payload FROM audit_events WHERE subject_type = 'calendar' AND subject_id = '2027' AND kind = 'calendar.retimed' AND at >= ? ORDER BY seq DESC LIMIT 1",
    (int(sys.argv[2]),)).fetchone()
print(f"{row[0]} {row[1]}" if row else "")
PY
}
# Intakes one after another until the walk is done.
while [ -z "$(done_entry)" ]; do intake; done >"$WORK/during"
read -r AT PAYLOAD <<<"$(done_entry)"
echo "retimed: $PAYLOAD in $(( (AT - START) / 1000 )) s after the import (the server reloads every 5 s)"
echo "during the walk: $(summary <"$WORK/during")"
