#!/usr/bin/env bash
# Runs real Open311 clients against a live Whistle on the demo city: the PyPI client `georeport` (service
# list in JSON and XML, a service definition, filtered queries, one request) and requests posted the way
# FixMyStreet's Open311 client posts them (form fields, several media_url, attribute[...]), read back; every
# XML answer must parse and every JSON answer must have GeoReport v2's shapes. Test tooling only.
# Needs a built .build/debug/whistle and python packages georeport and requests (pip install georeport==0.3.1).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
. scripts/lib/demo-server.sh open311
KEY=$("$BIN" open311 key issue --client "FixMyStreet 测试" --db "$DB")
"$PYTHON" scripts/open311/clients.py "http://127.0.0.1:$PORT" "$KEY"
