#!/usr/bin/env bash
# Generates libs/proto/src/gen/ from proto/ (never edit that folder by hand).
#   proto/gen.sh          regenerate
#   proto/gen.sh --check  regenerate into a temp folder; fail with a diff if the committed code differs
#
# Reproducible: protoc and the well-known types come pinned from Maven Central (cached in
# .local/protoc/), the ts-proto plugin from the locked node_modules. Nothing else is fetched.
set -euo pipefail

PROTOBUF_MAVEN_VERSION=4.32.1 # protoc 32.1; protobuf-java of the same release carries google/protobuf/*.proto
TS_PROTO_OPTS=(
  esModuleInterop=true
  forceLong=string                   # int64 as decimal strings: exact, and proto3 JSON's own form of int64
  outputServices=generic-definitions # KlineDefinition: the rpcs with their google.api.http options (routes.ts)
  outputClientImpl=false
  useExactTypes=false
  unrecognizedEnum=false             # no UNRECOGNIZED member: the codec refuses unknown enum values itself
  exportCommonSymbols=false          # DeepPartial & co. stay private to each file (no clashing re-exports)
  snakeToCamel=keys_json             # TS keys camelCase; JSON keys follow json_name (the contract's names)
  useOptionals=none                  # every field present in the TS types; proto3 `optional` ones may be undefined
  emitImportedFiles=false            # only INPUTS: no 7k-line descriptor.ts nobody uses
)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$ROOT/libs/proto/src/gen"
CACHE="$ROOT/.local/protoc/$PROTOBUF_MAVEN_VERSION"
PLUGIN="$ROOT/node_modules/.bin/protoc-gen-ts_proto"
INPUTS=(exgate/v1/kline.proto exgate/v1/bus.proto google/rpc/status.proto google/protobuf/any.proto google/api/http.proto)

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

case "$(uname -m)" in
  x86_64 | amd64) classifier=linux-x86_64 ;;
  aarch64 | arm64) classifier=linux-aarch_64 ;;
  *) echo "gen.sh: no protoc build for $(uname -m)" >&2; exit 1 ;;
esac

# The well-known types (google/protobuf/*.proto) out of a jar; unzip when present, else Python's zipfile.
extract_protos() {
  local jar="$1" dest="$2"
  if command -v unzip >/dev/null; then
    (cd "$dest" && unzip -q -o "$jar" 'google/protobuf/*.proto')
  else
    python3 - "$jar" "$dest" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as jar:
    jar.extractall(sys.argv[2], [n for n in jar.namelist() if n.startswith("google/protobuf/") and n.endswith(".proto")])
PY
  fi
}

fetch_protoc() {
  local protoc="$CACHE/bin/protoc"
  if [[ -x "$protoc" && -f "$CACHE/include/google/protobuf/descriptor.proto" ]]; then return; fi
  command -v mvn >/dev/null || { echo "gen.sh: mvn is needed to fetch protoc from Maven Central" >&2; exit 1; }
  local tmp
  tmp="$(mktemp -d)"
  local artifact
  for artifact in "protoc:$PROTOBUF_MAVEN_VERSION:exe:$classifier" "protobuf-java:$PROTOBUF_MAVEN_VERSION:jar"; do
    if ! mvn -B dependency:copy -Dmdep.stripVersion=true -DoutputDirectory="$tmp" \
      -Dartifact="com.google.protobuf:$artifact" >"$tmp/mvn.log" 2>&1; then
      cat "$tmp/mvn.log" >&2
      echo "gen.sh: could not fetch com.google.protobuf:$artifact from Maven Central" >&2
      exit 1
    fi
  done
  mkdir -p "$CACHE/bin" "$CACHE/include"
  extract_protos "$tmp/protobuf-java.jar" "$CACHE/include"
  install -m 0755 "$tmp/protoc-$classifier.exe" "$protoc"
  rm -rf "$tmp"
}

generate() {
  local out="$1" opts
  opts="$(IFS=,; echo "${TS_PROTO_OPTS[*]}")"
  mkdir -p "$out"
  (cd "$ROOT/proto" && "$CACHE/bin/protoc" \
    -I . -I third_party -I "$CACHE/include" \
    --plugin=protoc-gen-ts_proto="$PLUGIN" \
    --ts_proto_out="$out" --ts_proto_opt="$opts" \
    "${INPUTS[@]}")
  # Point readers of the generated files at their source and at the one way to change them.
  find "$out" -name '*.ts' -exec sed -i '1a // Generated from proto/ by proto/gen.sh (npm run proto:gen): edit the .proto, never this file.' {} +
}

[[ -x "$PLUGIN" ]] || { echo "gen.sh: $PLUGIN missing; run npm ci" >&2; exit 1; }
fetch_protoc

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
generate "$work/gen"

if $check; then
  if diff -ru "$GEN" "$work/gen"; then
    echo "proto: libs/proto/src/gen is up to date"
  else
    echo "proto: libs/proto/src/gen differs from proto/ (run npm run proto:gen)" >&2
    exit 1
  fi
else
  rm -rf "$GEN"
  mkdir -p "$(dirname "$GEN")"
  mv "$work/gen" "$GEN"
  echo "proto: generated $(find "$GEN" -name '*.ts' | wc -l) files into libs/proto/src/gen"
fi
