#!/usr/bin/env bash
# Every console page on a Beijing-size month (the database of scripts/bench/ranking.sh: the demo city and one
# simulated assessment month, over 2 M demands), as the server answers it: each page 3 times to warm up, then
# 10 times timed with curl (time to the last byte), signed in as the role that uses it. 朝阳区's grids get
# made-up square boundaries first (scripts/console/grids.py; the demo city has none), so the command
# centre's map draws a whole district's grids. Release build; no deadline sweeps or classifier training run.
# Usage: scripts/bench/console.sh [database file, default /tmp/whistle-ranking-bench.sqlite] [demands a year, default 26000000]
set -euo pipefail
cd "$(dirname "$0")/../.."
FILE=${1:-/tmp/whistle-ranking-bench.sqlite}
SCALE=${2:-26000000}
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }

WORK=$(mktemp -d /tmp/whistle-console-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
. scripts/bench/month.sh
PASSWORD="基准测试 bench password"
for person in b-supervisor:supervisor:110000 b-chaoyang:supervisor:110105 b-dispatcher:dispatcher:110000-RXZX \
  b-cgw:department_handler:110105-CGW b-callback:callback_agent:110000-RXZX b-wangjing:street_coordinator:110105026 \
  b-admin:administrator:110000; do
  IFS=: read -r id role unit <<<"$person"
  "$BIN" user add --db "$DB" --id "$id" --name "$id" --role "$role" --unit "$unit" >/dev/null 2>&1 || true
  printf '%s\n' "$PASSWORD" | "$BIN" user password --db "$DB" --id "$id" >/dev/null
done
python3 scripts/console/grids.py "$FILE" 110105 >"$WORK/grids.geojson"
"$BIN" import grids --db "$DB" "$WORK/grids.geojson"
read -r NUMBER PHONE < <(python3 -c "
import json, sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(\"SELECT number, document FROM demands WHERE status = 'closed' ORDER BY number DESC LIMIT 1\").fetchone()
print(row[0], json.loads(row[1])['complainant']['phone'])" "$FILE")
echo "database: $(du -h "$FILE" | cut -f1), $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from demands').fetchone()[0])" "$FILE") demands"

PORT=$((20000 + RANDOM % 20000))
BASE="http://127.0.0.1:$PORT"
# The tracking page's lookups are limited per client: lift the limit for the timed requests.
WHISTLE_DEADLINES_ENABLED=false WHISTLE_CLASSIFIER_RETRAIN=0 WHISTLE_INTAKE_PUBLIC_PER_MINUTE=100000 \
  "$BIN" serve --db "$DB" --port "$PORT" --log-level warning >"$WORK/server.log" 2>&1 &
for _ in $(seq 900); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done

sign_in() {  # a cookie jar for the person
  curl -sf -o /dev/null -c "$WORK/$1.jar" --data-urlencode "personId=$1" --data-urlencode "password=$PASSWORD" "$BASE/console/login"
}
# A whistle of 望京 for the board pages, raised through the API.
TOKEN=$("$BIN" token issue --db "$DB" --user b-wangjing --role street_coordinator --unit 110105026)
WHISTLE=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$BASE/api/v1/whistles" -d '
  {"type":"joint_enforcement","whistlingUnit":"110105026","subject":"立交桥下违规市场占道经营",
   "place":{"address":"望京立交桥下","longitude":116.47,"latitude":40.0},"problem":{"keyWork":"清理立交桥下违规市场"},
   "summons":[{"unitCode":"110105-CGZFJ","ask":"到场执法"}]}' | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")

measure() {  # person (or - for none), page
  local jar=()
  [ "$1" != - ] && jar=(-b "$WORK/$1.jar")
  for _ in 1 2 3; do curl -sf -o /dev/null "${jar[@]}" "$BASE$2"; done
  for _ in $(seq 10); do curl -sf -o /dev/null -w '%{time_total} %{size_download}\n' "${jar[@]}" "$BASE$2"; done >"$WORK/times"
  python3 - "$1" "$2" "$WORK/times" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[3])]
times = sorted(float(t) * 1000 for t, _ in rows)
print(f"| `{sys.argv[2]}` | {sys.argv[1]} | {statistics.median(times):.1f} ms | {times[-1]:.1f} ms | {int(rows[-1][1]) // 1024} KB |")
PY
}
for person in b-supervisor b-chaoyang b-dispatcher b-cgw b-callback b-wangjing b-admin; do sign_in "$person"; done
echo "| page | as | median | max | size |"
echo "|---|---|---|---|---|"
measure - /console/submit
measure - "/console/track?number=$NUMBER&phone=$PHONE"
measure b-dispatcher /console/queue
measure b-cgw /console/inbox
measure b-callback /console/callbacks
measure b-wangjing /console/whistles
measure b-wangjing "/console/whistles/$WHISTLE"
measure b-supervisor /console/command
measure b-supervisor "/console/command?area=110105"
measure b-chaoyang /console/command
measure b-supervisor /console/reports
measure b-supervisor "/console/reports?kind=weekly"
measure b-supervisor "/console/reports?kind=monthly"
for section in units taxonomy duties calendars deadlines schemes; do measure b-admin "/console/admin?section=$section"; done
measure b-admin "/console/admin?section=people&unit=110105-CGW"
