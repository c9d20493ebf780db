#!/usr/bin/env bash
# Fuzzes the native API against its own OpenAPI document with schemathesis (fixed seed, so a failure
# reproduces): a live server on the demo city, requests as a dispatcher, every check but one. It fails
# on any 5xx and on any response the document does not allow.
# Needs a built .build/debug/whistle and schemathesis (pip install schemathesis==4.32.5).
set -euo pipefail
cd "$(dirname "$0")/.."
ST=${SCHEMATHESIS:-schemathesis}
. scripts/lib/demo-server.sh fuzz
"$BIN" user add --id fuzz --name 测试派单员 --role dispatcher --unit 110000-RXZX --db "$DB" >/dev/null
TOKEN=$("$BIN" token issue --user fuzz --role dispatcher --unit 110000-RXZX --label schemathesis --db "$DB")

# Every check on responses runs (no 5xx, status codes, content types, headers and bodies as documented).
# Left out, each for a stated reason:
# - positive_data_acceptance: it expects 2xx for any body the schema allows, but the domain refuses more
#   than a schema can say (a phone that is no phone, a role the approver does not hold) with 400/403/409;
# - negative_data_rejection: the generated decoder reads `null` in an optional field as absent, which the
#   document does not spell out; nothing is stored from it that a valid request could not store;
# - unsupported_method: it wants 405 for methods no route has (TRACE); Whistle answers 404 with a problem.
# One operation is left out: streamWhistles is a live stream that stays open by design (it is tested over
# a real connection in WhistlesAPITests).
"$ST" run "http://127.0.0.1:$PORT/openapi.yaml" --url "http://127.0.0.1:$PORT/api/v1" \
  -H "Authorization: Bearer $TOKEN" --seed 20261121 --max-examples 40 \
  --checks all --exclude-checks positive_data_acceptance,negative_data_rejection,unsupported_method \
  --exclude-operation-id streamWhistles
