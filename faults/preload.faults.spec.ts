import { EXCHANGES } from '@exgate/exchanges';

/**
 * faults/preload.ts at work: a run still going after another finished (jest then stands between
 * tests) can load what a run loads lazily. Without the preload the second test fails with
 * "You are trying to `require` a file outside of the scope of the test code".
 */
describe('concurrent runs and lazily loaded modules', () => {
  it.concurrent('a run that finishes at once', async () => {
    expect(EXCHANGES.length).toBeGreaterThan(0);
  });
  it.concurrent('a run that goes on after it and loads a request encoder and a simulator', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const joinGroupV5 = require('kafkajs/src/protocol/requests/joinGroup/v5/request');
    expect(typeof joinGroupV5).toBe('function');
    const simulator = await EXCHANGES[EXCHANGES.length - 1]!.loadSimulator();
    expect(typeof simulator.start).toBe('function');
  });
});
