import { eventually } from './eventually';

describe('eventually', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('resolves with the first truthy value the probe returns, sync or async', async () => {
    let calls = 0;
    expect(await eventually(() => (++calls === 3 ? 'ready' : undefined), { what: 'the third call', intervalMs: 1 })).toBe('ready');
    expect(calls).toBe(3);
    expect(await eventually(async () => 42, { what: 'an answer' })).toBe(42);
  });

  it('tries again after a probe throws', async () => {
    let calls = 0;
    const value = await eventually(async () => {
      if (++calls < 3) throw new Error('not yet');
      return { calls };
    }, { what: 'a probe that stops throwing', intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('rejects after the timeout naming what it waited for and the last value seen', async () => {
    const started = Date.now();
    const error = await eventually(() => false, { what: 'the moon', timeoutMs: 60, intervalMs: 10 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('timed out after 60 ms waiting for the moon; the last probe returned false');
  });

  it('names the last error when the probe was still throwing at the timeout, and keeps it as the cause', async () => {
    const cause = new RangeError('no leader for partition 3');
    const error = (await eventually(() => { throw cause; }, { what: 'a leader', timeoutMs: 30, intervalMs: 10 }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('timed out after 30 ms waiting for a leader; the last probe threw RangeError: no leader for partition 3');
    expect(error.cause).toBe(cause);
  });

  it('waits intervalMs between probes and probes once more at the deadline', async () => {
    jest.useFakeTimers({ now: 0 });
    const at: number[] = [];
    const waiting = eventually(() => { at.push(Date.now()); return null; }, { what: 'nothing', timeoutMs: 1_000, intervalMs: 250 }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await waiting).toBeInstanceOf(Error);
    expect(at).toEqual([0, 250, 500, 750, 1_000]);
  });
});
