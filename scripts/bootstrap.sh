#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file; silent otherwise.
# npm start / npm test / npm run bench call it first, so a fresh clone needs nothing else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

stamp=node_modules/.package-lock.json   # npm rewrites it on every install
if [ -d node_modules ] && [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ]; then
  # An install from before the patch (npm's postinstall applies it to every new one): a file
  # compare when it is there already.
  exec node scripts/patch-kafkajs.js
fi

echo "bootstrap: installing dependencies (npm ci)" >&2
# The lock lists every platform's package, including those the registry here does not serve
# (scripts/lock-platforms.js), so npm ci accepts it as it is: no fallback to npm install.
npm ci --no-audit --no-fund --loglevel=error >&2
