import fc from 'fast-check';
import { subjects } from '@exgate/bus';
import type { Candle } from '@exgate/domain';
import { encodeCandle } from '@exgate/proto';
import { candle, T0 } from '../testing/fake-deps';
import { CandleCache } from './candle-cache';
import { useStoreAndBus } from './testing/store-and-bus';

const MINUTE = 60_000;
const at = (m: number) => T0 + m * MINUTE;

const ctx = useStoreAndBus('exgate-candle-cache-');
let seriesNo = 0;

function newCache(settings: { keep: number; slack: number; maxSeries?: number }): CandleCache {
  return ctx.track(new CandleCache(ctx.deps, { reconcileMs: 0, ...settings }));
}

/** A series of its own per test (one store for the file). */
function series(): (m: number, overrides?: Partial<Candle>) => Candle {
  const symbol = `S${++seriesNo}USDT`;
  return (m, overrides = {}) => candle('1m', at(m), { symbol, ...overrides });
}

/** What the aggregator does: the store first, then the live update; resolves once delivered. */
async function publish(...candles: Candle[]): Promise<void> {
  await ctx.store.upsertCandles(candles);
  for (const c of candles) ctx.events.publish(subjects.candle(c.exchange, c.symbol, c.interval), encodeCandle(c));
  await ctx.events.flush();
}

const query = (c: Candle, fromM: number, toM: number, limit = 1500) =>
  ({ exchange: c.exchange, symbol: c.symbol, interval: c.interval, fromMs: at(fromM), toMs: at(toM), limit });
const minutes = (cs: readonly { readonly item: Candle }[]) => cs.map((e) => (e.item.openTimeMs - T0) / MINUTE);

describe('CandleCache', () => {
  it('fills from the store, then answers from memory without asking it again', async () => {
    const c = series();
    await ctx.store.upsertCandles([0, 1, 2, 3].map((m) => c(m)));
    const cache = newCache({ keep: 10, slack: 2 });
    const spy = jest.spyOn(ctx.store, 'candles');
    try {
      expect(minutes(await cache.candles(query(c(0), 1, 3)))).toEqual([1, 2, 3]);
      expect(minutes(await cache.candles(query(c(0), 0, 9, 2)))).toEqual([0, 1]);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('shows a correction to the next reader, and never an older version after a newer one', async () => {
    const c = series();
    await ctx.store.upsertCandles([c(0), c(1, { state: 'forming', close: '1', version: 1 })]);
    const cache = newCache({ keep: 10, slack: 2 });
    expect((await cache.candles(query(c(0), 1, 1)))[0]?.item.close).toBe('1');

    await publish(c(1, { state: 'closed', close: '2', version: 2 }));
    const [closed] = await cache.candles(query(c(0), 1, 1));
    expect(closed?.item).toMatchObject({ state: 'closed', close: '2', version: 2 });
    expect(JSON.parse(closed!.json)).toMatchObject({ state: 'closed', close: '2', version: 2 });

    await publish(c(1, { state: 'corrected', close: '3', version: 4 }));
    // A late, older update (another replica, a replay) changes nothing.
    ctx.events.publish(subjects.candle(c(0).exchange, c(0).symbol, '1m'), encodeCandle(c(1, { state: 'closed', close: '2', version: 3 })));
    await ctx.events.flush();
    expect((await cache.candles(query(c(0), 1, 1)))[0]?.item).toMatchObject({ state: 'corrected', close: '3', version: 4 });
    expect(await cache.candles(query(c(0), 0, 1))).toEqual((await ctx.store.candles(query(c(0), 0, 1))).map((s) => expect.objectContaining({ item: s })));
  });

  it('takes a forming candle that grew at the same version (0), and not an older copy of it', async () => {
    const c = series();
    const forming = (tradeCount: number, gapFree = true) => c(0, { state: 'forming', version: 0, tradeCount, gapFree, close: String(tradeCount) });
    await ctx.store.upsertCandles([forming(10)]);
    const cache = newCache({ keep: 10, slack: 2 });
    expect((await cache.candles(query(c(0), 0, 0)))[0]?.item.tradeCount).toBe(10);
    await publish(forming(12));
    expect((await cache.candles(query(c(0), 0, 0)))[0]?.item).toMatchObject({ tradeCount: 12, close: '12' });
    // A late copy (a fill or a merge that read the store before the last write) changes nothing.
    ctx.events.publish(subjects.candle(c(0).exchange, c(0).symbol, '1m'), encodeCandle(forming(11)));
    await ctx.events.flush();
    expect((await cache.candles(query(c(0), 0, 0)))[0]?.item.tradeCount).toBe(12);
    await publish(forming(12, false));
    expect((await cache.candles(query(c(0), 0, 0)))[0]?.item).toMatchObject({ tradeCount: 12, gapFree: false });
    expect((await cache.candles(query(c(0), 0, 0))).map((e) => e.item)).toEqual(await ctx.store.candles(query(c(0), 0, 0)));
  });

  it('memoises a whole body only until the window changes', async () => {
    const c = series();
    await ctx.store.upsertCandles([c(0), c(1)]);
    const cache = newCache({ keep: 10, slack: 2 });
    const body = async () => JSON.parse((await cache.klineBody(query(c(0), 0, 1))).toString()) as { kline: { close: string }[] };
    await body();
    const first = await cache.klineBody(query(c(0), 0, 1));
    expect(await cache.klineBody(query(c(0), 0, 1))).toBe(first);
    await publish(c(1, { state: 'corrected', close: '7', version: 2 }));
    expect((await body()).kline.map((k) => k.close)).toEqual(['64233.2', '7']);
  });

  it('stitches a range across the window boundary exactly as the store answers it', async () => {
    const c = series();
    await ctx.store.upsertCandles(Array.from({ length: 20 }, (_, m) => c(m)));
    const cache = newCache({ keep: 5, slack: 2 });
    // The window holds 15..19; 10..14 come from the ctx.store.
    expect(minutes(await cache.candles(query(c(0), 10, 19)))).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(minutes(await cache.candles(query(c(0), 13, 16, 3)))).toEqual([13, 14, 15]);
    expect(minutes(await cache.candles(query(c(0), 0, 30, 5)))).toEqual([0, 1, 2, 3, 4]);
    expect(minutes(await cache.candles(query(c(0), 14, 14)))).toEqual([14]);
    expect(minutes(await cache.candles(query(c(0), 15, 15)))).toEqual([15]);
    expect(minutes(await cache.candles(query(c(0), 19, 40)))).toEqual([19]);
  });

  it('drops the oldest beyond keep + slack and reads them from the store, new versions included', async () => {
    const c = series();
    await ctx.store.upsertCandles([0, 1, 2].map((m) => c(m)));
    const cache = newCache({ keep: 4, slack: 2 });
    await cache.candles(query(c(0), 0, 0));
    expect(cache.stats()).toEqual({ series: 1, items: 3 });
    for (let m = 3; m < 10; m++) await publish(c(m));
    // 10 candles seen, at most 4 + 2 kept: 7 went over, so it fell back to the latest 4 at 7.
    expect(cache.stats().items).toBeLessThanOrEqual(6);
    expect(minutes(await cache.candles(query(c(0), 0, 9)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // A correction of an evicted candle: the store has it, the window ignores it.
    await publish(c(1, { state: 'corrected', close: '9', version: 2 }));
    expect((await cache.candles(query(c(0), 1, 1)))[0]?.item).toMatchObject({ close: '9', version: 2 });
  });

  it('recovers an update lost on the way when it reconciles with the store', async () => {
    const c = series();
    await ctx.store.upsertCandles([c(0, { state: 'forming', version: 1 })]);
    const cache = newCache({ keep: 10, slack: 2 });
    expect(minutes(await cache.candles(query(c(0), 0, 5)))).toEqual([0]);
    // Stored, but the live update never arrived (NATS core drops messages when disconnected).
    await ctx.store.upsertCandles([c(0, { state: 'closed', version: 2 }), c(1, { state: 'forming', version: 1 })]);
    expect(minutes(await cache.candles(query(c(0), 0, 5)))).toEqual([0]);
    await cache.reconcile();
    const after = await cache.candles(query(c(0), 0, 5));
    expect(after.map((e) => e.item)).toEqual(await ctx.store.candles(query(c(0), 0, 5)));
  });

  it('answers past the last storable time with nothing instead of an error', async () => {
    const c = series();
    await ctx.store.upsertCandles([c(0)]);
    const cache = newCache({ keep: 10, slack: 2 });
    const q = query(c(0), 0, 0);
    expect(minutes(await cache.candles({ ...q, toMs: 253_402_300_799_999 }))).toEqual([0]);
    expect(await cache.candles({ ...q, fromMs: 253_402_300_799_999, toMs: 253_402_300_799_999 })).toEqual([]);
  });

  it('holds at most maxSeries series, dropping the least recently read', async () => {
    const a = series();
    const b = series();
    const d = series();
    await ctx.store.upsertCandles([a(0), b(0), d(0)]);
    const cache = newCache({ keep: 10, slack: 2, maxSeries: 2 });
    await cache.candles(query(a(0), 0, 0));
    await cache.candles(query(b(0), 0, 0));
    await cache.candles(query(a(0), 0, 0));
    await cache.candles(query(d(0), 0, 0));
    expect(cache.stats().series).toBe(2);
    // b was the least recently read: it is read from the store again, still right.
    expect(minutes(await cache.candles(query(b(0), 0, 0)))).toEqual([0]);
  });

  it('equals the store-only answer after any sequence of updates, corrections and reads (property)', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('update' as const), m: fc.integer({ min: 0, max: 30 }), bump: fc.integer({ min: 1, max: 3 }), close: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ kind: fc.constant('read' as const), from: fc.integer({ min: -2, max: 32 }), span: fc.integer({ min: 0, max: 35 }), limit: fc.integer({ min: 1, max: 12 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }), fc.array(op, { minLength: 1, maxLength: 10 }), async (initial, ops) => {
        const c = series();
        const versions = new Map<number, number>();
        const next = (m: number, bump: number) => {
          const v = (versions.get(m) ?? 0) + bump;
          versions.set(m, v);
          return v;
        };
        const seed = [...new Set(initial)].map((m) => c(m, { version: next(m, 1) }));
        if (seed.length > 0) await ctx.store.upsertCandles(seed);
        const cache = newCache({ keep: 4, slack: 2 });
        for (const o of ops) {
          if (o.kind === 'update') {
            await publish(c(o.m, { version: next(o.m, o.bump), close: String(o.close), state: 'corrected' }));
          } else {
            const q = query(c(0), o.from, o.from + o.span, o.limit);
            const fromCache = (await cache.candles(q)).map((e) => e.item);
            expect(fromCache).toEqual(await ctx.store.candles(q));
          }
        }
      }),
      { numRuns: 40 },
    );
  }, 180_000);
});
