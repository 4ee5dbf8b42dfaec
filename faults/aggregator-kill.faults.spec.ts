import { faultRuns } from './harness/suite';

/**
 * The aggregator as its own process (services/aggregator/src/main.ts over the embedded engine in
 * the run's folder), SIGKILLed mid-stream and started again on the same data: trades come again
 * from the last committed offset, open candles are restored from the store, and the candles must
 * come out as if nothing had happened. A restarted member gets its partitions only once the dead
 * one's Kafka session (30 s) has expired, so these runs are long: three at a time.
 */
describe('fault runs, aggregator SIGKILL', () => {
  faultRuns({
    tag: 'aggregator-kill', runs: 6, concurrent: true,
    topology: () => ({ collector: 'in-process', aggregator: 'process' }),
    always: ['aggregator-kill'], kinds: ['drop', 'gap', 'replay'], maxFaults: 2,
    playMs: [5000, 7000], lines: [2500, 4500], strikeWindow: [0.1, 0.6],
  });
});
