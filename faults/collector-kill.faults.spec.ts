import { faultRuns } from './harness/suite';

/**
 * The collector as its own process (services/collector/src/main.ts, configured by environment),
 * SIGKILLed mid-stream and started again: it resumes from its checkpoint in NATS KV and backfills
 * what the exchange printed while it was dead. Sometimes with socket faults on top.
 */
describe('fault runs, collector SIGKILL', () => {
  faultRuns({
    tag: 'collector-kill', runs: 14, concurrent: true,
    topology: () => ({ collector: 'process', aggregator: 'in-process' }),
    always: ['collector-kill'], kinds: ['drop', 'gap', 'replay'], maxFaults: 2,
    // The new process needs 2-4 s to boot on a busy machine; prints must still come after it is back.
    playMs: [7000, 9000], lines: [2500, 4500], strikeWindow: [0.1, 0.3],
  });
});
