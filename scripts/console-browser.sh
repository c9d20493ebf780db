#!/usr/bin/env bash
# The web console in a real headless Chromium (Debian's `chromium`, driven by Playwright from PyPI) against a
# live Whistle on the demo city: a resident submits (first with a bad field), a dispatcher dispatches, 城管委
# signs for, contacts and reports, a callback is recorded, the dispatcher closes, the resident sees the
# result and rates it; 望京 whistles, 城管执法局 reports in while the street's board updates live, and the street closes and
# scores; the command centre shows the figures and the map of 望京's grids; the city's administrator adds a
# category and opens the form for a new version of the deadline rules. Every page is saved as a screenshot in
# $WHISTLE_SCREENSHOTS (default ci-artifacts/console); any console error or failed request not expected by the
# scenario fails the run. Test tooling only. Needs a built .build/debug/whistle.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
SCREENSHOTS=${WHISTLE_SCREENSHOTS:-ci-artifacts/console}
export WHISTLE_AUTH_PASSWORD_ROUNDS=1000
. scripts/lib/demo-server.sh console
PASSWORD="控制台测试 password"
for person in dispatcher:dispatcher:110000-RXZX cgw:department_handler:110105-CGW callback:callback_agent:110000-RXZX leader:supervisor:110000 \
  wangjing:street_coordinator:110105026 cgzfj:department_handler:110105-CGZFJ admin:administrator:110000; do
  IFS=: read -r id role unit <<<"$person"
  "$BIN" user add --db "$DB" --id "$id" --name "$id" --role "$role" --unit "$unit" >/dev/null
  printf '%s\n' "$PASSWORD" | "$BIN" user password --db "$DB" --id "$id" >/dev/null
done
# 望京's grids get boundaries (made-up squares: the demo city has none) for the command centre's map; the server
# loads them at its next start.
"$PYTHON" scripts/console/grids.py "$WORK/console.sqlite" 110105026 >"$WORK/wangjing-grids.geojson"
"$BIN" import grids --db "$DB" "$WORK/wangjing-grids.geojson" >/dev/null
restart_server
mkdir -p "$SCREENSHOTS"
"$PYTHON" scripts/console/browser.py "http://127.0.0.1:$PORT" "$SCREENSHOTS" "$PASSWORD"
