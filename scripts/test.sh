#!/usr/bin/env bash
# The test entry point (npm test): starts the real Kafka and NATS the tests talk to, then jest.
#
#   scripts/test.sh [jest args...]          every *.spec.ts
#   scripts/test.sh faults [jest args...]   the fault suite (*.faults.spec.ts)
#
# Kafka keeps running afterwards (starting it costs seconds; tests use unique topics and groups);
# EXGATE_STOP_KAFKA=1 stops it at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=unit
if [ "${1:-}" = faults ]; then mode=faults; shift; fi

KAFKA_BROKERS="$(bash deploy/local/kafka.sh start)"
NATS_URL="$(bash deploy/local/nats.sh start)"
export KAFKA_BROKERS NATS_URL
echo "test: KAFKA_BROKERS=$KAFKA_BROKERS NATS_URL=$NATS_URL" >&2

stop_kafka() { if [ "${EXGATE_STOP_KAFKA:-0}" = 1 ]; then bash deploy/local/kafka.sh stop; fi; }
trap stop_kafka EXIT

mkdir -p .local
results=".local/jest-$mode.json"
rm -f "$results"
# --forceExit: a failing test can leave a socket or a child behind; the run must still end with its
# verdict instead of waiting on it (specs close what they open; this is the backstop).
jest=(node node_modules/jest/bin/jest.js --json --outputFile="$results" --forceExit)
case "$mode" in
  unit)
    set +e; "${jest[@]}" "$@"; code=$?; set -e ;;
  faults)
    # The fault suite has its own config when it needs one (longer timeouts, serial runs).
    if [ -f jest.faults.config.js ]; then
      set +e; "${jest[@]}" -c jest.faults.config.js "$@"; code=$?; set -e
    else
      set +e
      "${jest[@]}" --runInBand --testTimeout=600000 --testPathIgnorePatterns /node_modules/ \
        --testMatch '**/*.faults.spec.ts' "$@"
      code=$?; set -e
    fi ;;
esac
# One plain closing line with the counts, whatever reporter ran.
if [ -f "$results" ]; then
  node -e 'const r = require(process.argv[1]);
    // A suite that fails to load counts no failed test: say so, or the line reads green.
    const broken = r.numRuntimeErrorTestSuites ? `, ${r.numRuntimeErrorTestSuites} suites failed to run` : "";
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped${broken}`);' \
    "$(pwd)/$results"
fi
exit "$code"
