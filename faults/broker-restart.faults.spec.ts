import { PrivateBroker } from './harness/broker';
import { faultRuns } from './harness/suite';

/**
 * The Kafka broker stopped and started under a running collector and aggregator (a broker of the
 * suite's own, so the shared one stays up for everything else): the collector buffers and
 * delivers once it is back, the aggregator's consumer rejoins and carries on. One run at a time:
 * they share the broker they restart.
 */
// A port per process: another checkout's fault suite may be restarting its own broker right now.
const broker = new PrivateBroker(28100 + (process.pid % 400) * 2);

describe('fault runs, Kafka broker restart', () => {
  beforeAll(() => broker.start(), 180_000);
  afterAll(() => broker.destroy(), 180_000);

  faultRuns({
    tag: 'broker', runs: 4, concurrent: false,
    topology: () => ({ collector: 'in-process', aggregator: 'in-process', broker }),
    always: ['broker-restart'], kinds: ['drop', 'gap', 'rest429'], maxFaults: 2,
    // A restart takes about 5 s; the exchange keeps printing through it and after.
    playMs: [9000, 11000], lines: [3000, 5000], strikeWindow: [0.1, 0.3],
  });
});
