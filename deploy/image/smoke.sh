#!/usr/bin/env bash
# CI's stand-in for `docker build` + `docker run` (no Docker engine here): clones the repository
# into a clean folder, carries out the Dockerfile's steps for both targets there
# (deploy/image/dockerfile.js), then starts what they built against the real Kafka and NATS and
# checks it serves (deploy/image/smoke.js). What is tested is what is committed.
#
#   bash deploy/image/smoke.sh            EXGATE_SMOKE_KEEP=1 keeps the folder for a look
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fixtures="$(cd "$repo/.." && pwd)/shared/fixtures"
[ -d "$fixtures" ] || { echo "smoke: $fixtures not found (shared/ sits beside the checkout)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/exgate-image-smoke.XXXXXX")"
cleanup() { if [ "${EXGATE_SMOKE_KEEP:-0}" = 1 ]; then echo "smoke: kept $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT

KAFKA_BROKERS="$(bash "$repo/deploy/local/kafka.sh" start)"
NATS_URL="$(bash "$repo/deploy/local/nats.sh" start)"
export KAFKA_BROKERS NATS_URL

git clone -q "$repo" "$work/context"
echo "smoke: building $(git -C "$work/context" rev-parse --short HEAD) in $work"
started=$SECONDS
node "$repo/deploy/image/dockerfile.js" --context "$work/context" --target distributed,embedded --out "$work/images"
echo "smoke: both targets built in $((SECONDS - started)) s"
du -sh "$work/images/distributed/app/node_modules" "$work/images/embedded/app/node_modules" | sed 's/^/smoke: node_modules /'
node "$repo/deploy/image/smoke.js" --images "$work/images" --fixtures "$fixtures"
