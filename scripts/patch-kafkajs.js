#!/usr/bin/env node
// Run by npm after every install (package.json "postinstall") and by scripts/bootstrap.sh.
//
// kafkajs 2.2.4, its last release, groups a send's messages by partition with a copy of the
// partition's list per message (`[...current, message]`): quadratic in the messages a partition
// gets in one send. The aggregator sends a candle per message, thousands per partition at once:
// 12 ms a send of 3,500 against 0.3 ms grouped in one pass, a twentieth of its JavaScript time
// (docs/adr/0019-trade-path.md, twelfth pass). The patch swaps that one file for the same grouping
// in one pass: the same partitions, each with its messages in send order. It applies to exactly
// the file 2.2.4 ships; any other text stops the install, so an upgrade is reviewed, not patched
// blindly.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FILE = 'src/producer/groupMessagesPerPartition.js';

const ORIGINAL = `module.exports = ({ topic, partitionMetadata, messages, partitioner }) => {
  if (partitionMetadata.length === 0) {
    return {}
  }

  return messages.reduce((result, message) => {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition] || []
    return Object.assign(result, { [partition]: [...current, message] })
  }, {})
}
`;

const PATCHED = `// Patched by exgate's scripts/patch-kafkajs.js: one pass instead of a copy per message.
module.exports = ({ topic, partitionMetadata, messages, partitioner }) => {
  if (partitionMetadata.length === 0) {
    return {}
  }

  const result = {}
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition]
    if (current) current.push(message)
    else result[partition] = [message]
  }
  return result
}
`;

/** Patches the kafkajs under `root` (a folder with node_modules); says what it found. */
function patchKafkajs(root) {
  const dir = path.join(root, 'node_modules', 'kafkajs');
  const file = path.join(dir, FILE);
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const text = fs.readFileSync(file, 'utf8');
  if (text === PATCHED) return 'already patched';
  if (version !== '2.2.4' || text !== ORIGINAL) {
    throw new Error(`kafkajs ${version}: ${FILE} is not the text scripts/patch-kafkajs.js patches; review the patch for this version`);
  }
  fs.writeFileSync(file, PATCHED);
  return 'patched';
}

module.exports = { FILE, ORIGINAL, PATCHED, patchKafkajs };

if (require.main === module) {
  try {
    const outcome = patchKafkajs(path.join(__dirname, '..'));
    if (outcome === 'patched') console.error(`patch-kafkajs: ${FILE} grouped in one pass`);
  } catch (e) {
    console.error(`patch-kafkajs: ${e.message}`);
    process.exit(1);
  }
}
