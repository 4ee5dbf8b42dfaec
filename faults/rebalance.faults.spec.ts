import { faultRuns } from './harness/suite';

/**
 * A second aggregator joins the group mid-stream (both in this process, writing to one store as
 * two pods write to one ClickHouse) and leaves again: partitions move twice, and the member that
 * takes a stream over restores its open candles from the store.
 */
describe('fault runs, rebalance', () => {
  faultRuns({
    tag: 'rebalance', runs: 6, concurrent: true,
    topology: () => ({ collector: 'in-process', aggregator: 'in-process' }),
    always: ['rebalance'], kinds: ['drop', 'gap', 'replay'], maxFaults: 2,
    // Members notice a rebalance on their next heartbeat (3 s): room for a join and a leave.
    playMs: [9000, 11000], lines: [3000, 5000], strikeWindow: [0.1, 0.3],
  });
});
