#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file; silent otherwise.
# npm start / npm test / npm run bench call it first, so a fresh clone needs nothing else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

stamp=node_modules/.package-lock.json   # npm rewrites it on every install
if [ -d node_modules ] && [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ]; then
  exit 0
fi

if [ -f package-lock.json ]; then
  echo "bootstrap: installing dependencies (npm ci)" >&2
  # Some registries (mirrors) lack other platforms' optional binaries (e.g. a darwin build of
  # @swc/core), so the lock cannot list them and `npm ci` refuses it as out of sync. `npm install`
  # still installs the locked versions; it only fills in what the lock could not hold.
  if ! npm ci --no-audit --no-fund --loglevel=error >&2; then
    echo "bootstrap: npm ci refused the lock file; installing with npm install instead" >&2
    npm install --no-audit --no-fund --loglevel=error >&2
  fi
else
  echo "bootstrap: installing dependencies (npm install)" >&2
  npm install --no-audit --no-fund --loglevel=error >&2
fi
