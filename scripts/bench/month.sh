# Sourced by the benchmarks on a Beijing-size month: builds the release `whistle` (BIN) and, when the database
# file is missing, fills the demo city with one assessment month with `whistle simulate` (2026-10-19 …
# 2026-11-18 at SCALE demands a year, every demand lived through the real loop with its events, up to
# 2026-11-21 12:00). Needs FILE, SCALE and WORK set; sets BIN and DB.
swift build -c release --product whistle --scratch-path .build-release >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
BIN=.build-release/release/whistle
DB="sqlite:$FILE"
if [ ! -f "$FILE" ]; then
  /usr/bin/time -f "simulate: %e s, %M KB peak" "$BIN" simulate --db "$DB" --demo --from 2026-10-19 --through 2026-11-18 \
    --demands-per-year "$SCALE" --now 2026-11-21T12:00:00+08:00 2>"$WORK/simulate.log" || { tail "$WORK/simulate.log" >&2; exit 1; }
  tail -1 "$WORK/simulate.log"
fi
