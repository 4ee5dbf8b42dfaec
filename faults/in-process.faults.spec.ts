import { faultRuns } from './harness/suite';

/**
 * The cheap runs: collector and aggregator in this process (real Kafka, NATS, embedded ClickHouse,
 * the simulated exchange over real sockets), one to three faults each from the exchange side and
 * the log: cut sockets, lost frames, frames cut short, 429s on the backfill, silence, a topic range produced twice.
 */
describe('fault runs, services in process', () => {
  faultRuns({
    tag: 'inproc', runs: 70, concurrent: true,
    topology: () => ({ collector: 'in-process', aggregator: 'in-process' }),
    kinds: ['drop', 'gap', 'garble', 'rest429', 'silence', 'replay'], maxFaults: 3,
    // A cut or silenced socket is back within about 0.9 s: prints must still come after it.
    playMs: [2200, 3000], lines: [2000, 4000], strikeWindow: [0.1, 0.5],
  });
});
