#!/usr/bin/env bash
# Rankings at Beijing scale on embedded SQLite: `whistle simulate` fills the demo city with one assessment
# month (2026-10-19 … 2026-11-18, 26 M demands a year: over 2 M in the month, every one lived through the
# real loop with its events), then the monthly rankings of all four groups are read through the API (summed
# from the daily rollup) and, for comparison, the same callback figures are counted from the raw demand
# documents with SQLite's JSON functions (the naive query). The database is kept for reruns.
# Usage: scripts/bench/ranking.sh [database file, default /tmp/whistle-ranking-bench.sqlite] [demands a year, default 26000000]
set -euo pipefail
cd "$(dirname "$0")/../.."
FILE=${1:-/tmp/whistle-ranking-bench.sqlite}
SCALE=${2:-26000000}
PERIOD=2026-11
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }

WORK=$(mktemp -d /tmp/whistle-ranking.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
. scripts/bench/month.sh
"$BIN" user add --db "$DB" --id bench --name 基准测试 --role supervisor --unit 110000 >/dev/null 2>&1 || true
TOKEN=$("$BIN" token issue --db "$DB" --user bench --role supervisor --unit 110000)
echo "database: $(du -h "$FILE" | cut -f1), $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from demands').fetchone()[0])" "$FILE") demands"

PORT=$((20000 + RANDOM % 20000))
# No background work competes with the measured requests: no deadline sweeps, no classifier training.
WHISTLE_DEADLINES_ENABLED=false WHISTLE_CLASSIFIER_RETRAIN=0 "$BIN" serve --db "$DB" --port "$PORT" --log-level warning >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

# Each group's ranking 20 times after 3 warm-up calls: the server's time to answer, as curl sees it.
for group in streets districts city_departments enterprises; do
  url="http://127.0.0.1:$PORT/api/v1/rankings?group=$group&period=$PERIOD"
  for _ in 1 2 3; do curl -sf -H "Authorization: Bearer $TOKEN" "$url" >/dev/null; done
  for _ in $(seq 20); do curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$url"; done >"$WORK/$group.times"
  rows=$(curl -sf -H "Authorization: Bearer $TOKEN" "$url" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['rows']))")
  python3 - "$group" "$rows" "$WORK/$group.times" <<'PY'
import statistics, sys
times = sorted(float(line) * 1000 for line in open(sys.argv[3]))
print(f"ranking {sys.argv[1]:<16} {sys.argv[2]:>4} units: median {statistics.median(times):6.1f} ms, max {times[-1]:6.1f} ms")
PY
done
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true

# The naive query: the period's last callbacks counted per unit from the demand documents, and the same
# totals from the rollup, which must agree.
python3 - "$FILE" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
start = 1792339200000  # 2026-10-19 00:00 Beijing
end = 1795017600000    # 2026-11-19 00:00 Beijing
naive = """
WITH last AS (SELECT json_extract(document, '$.callbacks[#-1]') AS cb FROM demands WHERE json_array_length(document, '$.callbacks') > 0)
SELECT json_extract(cb, '$.unitCode') AS unit,
       SUM(json_extract(cb, '$.outcome.valid') IS NOT NULL), SUM(COALESCE(json_extract(cb, '$.outcome.valid.contacted'), 0)),
       SUM(COALESCE(json_extract(cb, '$.outcome.valid.solved'), 0)),
       SUM(COALESCE(json_extract(cb, '$.outcome.valid.satisfaction') = 'satisfied', 0)),
       SUM(COALESCE(json_extract(cb, '$.outcome.valid.satisfaction') = 'basically_satisfied', 0))
FROM last WHERE json_extract(cb, '$.at') >= ? AND json_extract(cb, '$.at') < ?
GROUP BY unit HAVING SUM(json_extract(cb, '$.outcome.valid') IS NOT NULL) > 0
"""
t = time.perf_counter(); rows = db.execute(naive, (start, end)).fetchall(); naive_s = time.perf_counter() - t
rollup = """
SELECT unit_code, SUM(valid + unreasonable_valid), SUM(contacted + unreasonable_contacted), SUM(solved + unreasonable_solved),
       SUM(satisfied + unreasonable_satisfied), SUM(basically_satisfied + unreasonable_basically_satisfied)
FROM unit_day_tallies WHERE day >= '2026-10-19' AND day <= '2026-11-18' GROUP BY unit_code HAVING SUM(valid + unreasonable_valid) > 0
"""
t = time.perf_counter(); summed = db.execute(rollup).fetchall(); rollup_s = time.perf_counter() - t
totals = lambda rs: [sum(r[i] for r in rs) for i in range(1, 6)]
print(f"naive query over the demands: {naive_s * 1000:9.0f} ms, {len(rows)} units, valid/contacted/solved/satisfied/basically {totals(rows)}")
print(f"the same from the rollup:     {rollup_s * 1000:9.1f} ms, {len(summed)} units, {totals(summed)}")
print("agree" if sorted(map(tuple, rows)) == sorted(map(tuple, summed)) else "DISAGREE")
PY
