import { ExgateError } from '@exgate/errors';
import { HandlerRetries } from './handler-retry';

const away = new ExgateError('STORE_UNAVAILABLE', 'the store is restarting');

describe('HandlerRetries', () => {
  it('pauses twice as long after each passing failure in a row, up to the longest pause, then gives up', () => {
    const retries = new HandlerRetries({ attempts: 5, firstDelayMs: 100, maxDelayMs: 500 });
    const pauses = Array.from({ length: 6 }, () => retries.next(away));
    expect(pauses).toEqual([100, 200, 400, 500, 500, undefined]);
    expect(retries.count).toBe(5);
  });

  it('starts the count again once a group went through', () => {
    const retries = new HandlerRetries({ attempts: 2, firstDelayMs: 100, maxDelayMs: 1000 });
    expect([retries.next(away), retries.next(away)]).toEqual([100, 200]);
    retries.succeeded();
    expect([retries.next(away), retries.next(away), retries.next(away)]).toEqual([100, 200, undefined]);
  });

  it('never retries a failure that is not retriable, nor an error of unknown kind', () => {
    const retries = new HandlerRetries({ attempts: 5, firstDelayMs: 100, maxDelayMs: 1000 });
    expect(retries.next(new ExgateError('STORE_QUERY_FAILED', 'bad SQL'))).toBeUndefined();
    expect(retries.next(new Error('store write failed'))).toBeUndefined();
    expect(retries.next(new ExgateError('BUS_UNAVAILABLE', 'the broker is down'))).toBe(100);
  });
});
