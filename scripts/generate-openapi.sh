#!/usr/bin/env bash
# Regenerates Sources/WhistleAPI/Generated from openapi/openapi.yaml with swift-openapi-generator.
# The generated code is committed so that normal builds never compile the generator (it costs ~15 % of a
# cold build). `--check` regenerates into a temporary folder and fails if the committed code has drifted.
set -euo pipefail
cd "$(dirname "$0")/.."

GENERATOR_VERSION=1.14.3
WORK=.build-openapi-generator
CONFIG=Sources/WhistleAPI/openapi-generator-config.yaml
SPEC=openapi/openapi.yaml
OUT=Sources/WhistleAPI/Generated

if [ ! -d "$WORK/src" ]; then
  git -c advice.detachedHead=false clone -q --branch "$GENERATOR_VERSION" \
    https://github.com/apple/swift-openapi-generator.git "$WORK/src"
fi
swift build -q --package-path "$WORK/src" --scratch-path "$WORK/build" --product swift-openapi-generator
GENERATOR="$WORK/build/debug/swift-openapi-generator"
# The readable reference page the server serves at /api/reference, rendered from the same document.
swift build -q --package-path scripts/api-reference --scratch-path "$WORK/reference"
REFERENCE_TOOL="$WORK/reference/debug/api-reference"
REFERENCE=Sources/WhistleServer/Resources/api-reference.html

if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$GENERATOR" generate --config "$CONFIG" --output-directory "$tmp" "$SPEC" >"$tmp.log" 2>&1 || { cat "$tmp.log" >&2; exit 1; }
  if ! diff -ru "$OUT" "$tmp"; then
    echo "Sources/WhistleAPI/Generated has drifted from $SPEC: run scripts/generate-openapi.sh and commit." >&2
    exit 1
  fi
  "$REFERENCE_TOOL" "$SPEC" "$tmp.html"
  if ! cmp -s "$REFERENCE" "$tmp.html"; then
    rm -f "$tmp.html"
    echo "$REFERENCE has drifted from $SPEC: run scripts/generate-openapi.sh and commit." >&2
    exit 1
  fi
  rm -f "$tmp.html"
  echo "OpenAPI generated code matches $SPEC."
else
  rm -rf "$OUT"
  mkdir -p "$OUT"
  "$GENERATOR" generate --config "$CONFIG" --output-directory "$OUT" "$SPEC"
  "$REFERENCE_TOOL" "$SPEC" "$REFERENCE"
fi
