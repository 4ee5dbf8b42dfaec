#!/usr/bin/env node
// Completes package-lock.json with the platform packages a registry mirror does not serve.
//
// chdb declares its engine as one optional dependency per platform (@chdb/lib-darwin-arm64, …).
// When the registry npm talks to lacks some of them, `npm install` cannot resolve them and leaves
// them out of the lock, and `npm ci` then refuses the lock as out of sync ("Missing: … from lock
// file"). A lock entry needs no download: the version (pinned exactly by the declaring package)
// and the platform fields npm filters on. With them, npm ci skips those packages on other
// platforms without fetching anything and fetches them by name and version where they apply.
//
//   node scripts/lock-platforms.js          add the missing entries (run after npm install)
//   node scripts/lock-platforms.js --check  exit 1 if any are missing
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const lockFile = path.resolve(__dirname, '..', 'package-lock.json');

/** os, cpu and libc from a platform package's name: `lib-linux-arm64-gnu` → linux, arm64, glibc. */
function platformOf(name) {
  const m = /-(darwin|linux|win32|freebsd|android)-(x64|arm64|arm|ia32|ppc64|s390x|riscv64)(?:-(gnu|musl|msvc|gnueabihf))?$/.exec(name);
  if (!m) return null;
  const [, os, cpu, abi] = m;
  const libc = abi === 'gnu' || abi === 'gnueabihf' ? ['glibc'] : abi === 'musl' ? ['musl'] : undefined;
  return { cpu: [cpu], ...(libc ? { libc } : {}), optional: true, os: [os] };
}

/** The entries missing for optional platform packages that some locked package declares exactly. */
function missingEntries(lock) {
  const missing = new Map();
  for (const [key, entry] of Object.entries(lock.packages)) {
    for (const [name, spec] of Object.entries(entry.optionalDependencies || {})) {
      const at = `node_modules/${name}`;
      if (lock.packages[at] || missing.has(at)) continue;
      const platform = platformOf(name);
      if (!platform) continue; // not a platform package: npm resolves it as usual
      if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) {
        throw new Error(`${key || 'the root'} asks for ${name}@${spec}: only an exact version can be locked without the registry`);
      }
      missing.set(at, { version: spec, ...platform }); // npm's key order
    }
  }
  return missing;
}

/** npm's own order: the root first, then the paths in locale order. */
function sortPackages(packages) {
  const keys = Object.keys(packages).filter((k) => k !== '').sort((a, b) => a.localeCompare(b, 'en'));
  return Object.fromEntries([['', packages['']], ...keys.map((k) => [k, packages[k]])]);
}

const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
const missing = missingEntries(lock);
if (process.argv.includes('--check')) {
  if (missing.size > 0) {
    console.error(`package-lock.json lacks ${[...missing.keys()].join(', ')}: run node scripts/lock-platforms.js`);
    process.exit(1);
  }
  process.exit(0);
}
if (missing.size === 0) {
  console.log('package-lock.json: every platform package is listed');
} else {
  lock.packages = sortPackages({ ...lock.packages, ...Object.fromEntries(missing) });
  fs.writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: added ${[...missing.keys()].join(', ')}`);
}
