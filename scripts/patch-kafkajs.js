#!/usr/bin/env node
// Run by npm after every install (package.json "postinstall") and by scripts/bootstrap.sh.
//
// kafkajs 2.2.4, its last release, spends most of a large send building objects (ADR 0019,
// twelfth and thirteenth passes). Each file under scripts/kafkajs/patched/ replaces the kafkajs
// file at the same path, which must read exactly as scripts/kafkajs/original/ holds it:
// - src/producer/groupMessagesPerPartition.js grouped a send's messages by partition with a copy
//   of the partition's list per message: quadratic, and the aggregator sends thousands of candles
//   to one partition at once (12 ms a send of 3,500 against 0.3 ms in one pass).
// - src/protocol/requests/produce/v3/request.js encoded every record into a 512-byte zero-filled
//   buffer of its own, then copied them into the batch (22 ms a send of 3,500 candles against 4 ms
//   written straight into one buffer of the batch's size, byte for byte the same).
// - src/protocol/recordBatch/crc32C/crc32C.js, the batch's checksum, read a byte a step (1.6 ms
//   for 700 kB; eight bytes a step, the same checksum, 0.6 ms).
// Any other text stops the install before a file is written, so an upgrade is reviewed, not
// patched blindly.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const VERSION = '2.2.4';
const FILES = [
  'src/producer/groupMessagesPerPartition.js',
  'src/protocol/requests/produce/v3/request.js',
  'src/protocol/recordBatch/crc32C/crc32C.js',
];
const PATCHES = path.join(__dirname, 'kafkajs');

/** The text kafkajs ships and the text that replaces it, for one of FILES. */
function texts(file) {
  return {
    original: fs.readFileSync(path.join(PATCHES, 'original', file), 'utf8'),
    patched: fs.readFileSync(path.join(PATCHES, 'patched', file), 'utf8'),
  };
}

/** Patches the kafkajs under `root` (a folder with node_modules); says what it did. */
function patchKafkajs(root) {
  const dir = path.join(root, 'node_modules', 'kafkajs');
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const toWrite = [];
  for (const file of FILES) {
    const { original, patched } = texts(file);
    const installed = fs.readFileSync(path.join(dir, file), 'utf8');
    if (installed === patched) continue;
    if (version !== VERSION || installed !== original) {
      throw new Error(`kafkajs ${version}: ${file} is not the text scripts/patch-kafkajs.js patches; review the patch for this version`);
    }
    toWrite.push({ file, patched });
  }
  for (const { file, patched } of toWrite) fs.writeFileSync(path.join(dir, file), patched);
  return toWrite.map(({ file }) => file);
}

module.exports = { FILES, texts, patchKafkajs };

if (require.main === module) {
  try {
    const patched = patchKafkajs(path.join(__dirname, '..'));
    for (const file of patched) console.error(`patch-kafkajs: patched ${file}`);
  } catch (e) {
    console.error(`patch-kafkajs: ${e.message}`);
    process.exit(1);
  }
}
