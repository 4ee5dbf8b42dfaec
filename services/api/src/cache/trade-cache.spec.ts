import fc from 'fast-check';
import { subjects } from '@exgate/bus';
import type { Trade } from '@exgate/domain';
import { encodeTradeBatch } from '@exgate/proto';
import { T0, trade } from '../testing/fake-deps';
import { useStoreAndBus } from './testing/store-and-bus';
import { TradeCache } from './trade-cache';

const ctx = useStoreAndBus('exgate-trade-cache-');
let streamNo = 0;

function newCache(keep: number, slack: number): TradeCache {
  return ctx.track(new TradeCache(ctx.deps, { keep, slack, reconcileMs: 0 }));
}

/** A stream of its own per test; prices spelled with trailing zeros, as exchanges send them. */
function stream(): (id: number) => Trade {
  const symbol = `T${++streamNo}USDT`;
  return (id) => ({ ...trade(id, T0 + id * 10), symbol, price: `${64000 + (id % 7)}.10`, qty: '0.500' });
}

/** What the aggregator does: the store first, then the live prints. */
async function publish(trades: Trade[]): Promise<void> {
  const first = trades[0]!;
  await ctx.store.insertTrades(trades);
  ctx.events.publish(subjects.trades(first.exchange, first.symbol), encodeTradeBatch({
    exchange: first.exchange, symbol: first.symbol, kind: first.kind, trades, watermarkMs: null, gap: null,
  }));
  await ctx.events.flush();
}

const storeRecent = (t: Trade, limit: number) => ctx.store.trades({ exchange: t.exchange, symbol: t.symbol, kind: t.kind, limit, order: 'desc' });
const recent = async (cache: TradeCache, t: Trade, limit: number) => (await cache.recent(t.exchange, t.symbol, t.kind, limit)).map((e) => e.item);
const ids = (ts: readonly Trade[]) => ts.map((t) => t.id);

describe('TradeCache', () => {
  it('answers the newest prints from memory, live ones included, spelled as the store spells them', async () => {
    const t = stream();
    await ctx.store.insertTrades([1, 2, 3].map(t));
    const cache = newCache(5, 2);
    expect(ids(await recent(cache, t(0), 2))).toEqual([2, 3]);
    await publish([4, 5].map(t));
    const spy = jest.spyOn(ctx.store, 'trades');
    try {
      expect(await recent(cache, t(0), 3)).toEqual(await storeRecent(t(0), 3));
      spy.mockClear();
      expect((await recent(cache, t(0), 3))[0]).toMatchObject({ id: 3, price: '64003.1', qty: '0.5' });
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    const body = await cache.recentBody(t(0).exchange, t(0).symbol, t(0).kind, 2);
    expect(JSON.parse(body.bytes.toString())).toEqual({ trade: [
      { id: '4', time: String(T0 + 40), price: '64004.1', amount: '0.5', isBuyerMaker: true },
      { id: '5', time: String(T0 + 50), price: '64005.1', amount: '0.5', isBuyerMaker: false },
    ] });
  });

  it('reads the store for more than the window holds, and ignores a replayed batch', async () => {
    const t = stream();
    await ctx.store.insertTrades(Array.from({ length: 12 }, (_, i) => t(i + 1)));
    const cache = newCache(4, 2);
    expect(ids(await recent(cache, t(0), 4))).toEqual([9, 10, 11, 12]);
    expect(ids(await recent(cache, t(0), 6))).toEqual([7, 8, 9, 10, 11, 12]);
    await publish([11, 12, 13].map(t));
    expect(ids(await recent(cache, t(0), 4))).toEqual([10, 11, 12, 13]);
  });

  it('is empty for a stream with nothing stored (the use case then asks the exchange)', async () => {
    const t = stream();
    const cache = newCache(4, 2);
    expect(await recent(cache, t(0), 10)).toEqual([]);
    expect((await cache.recentBody(t(0).exchange, t(0).symbol, t(0).kind, 10)).empty).toBe(true);
  });

  it('equals the store-only answer after any sequence of batches and reads (property)', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('batch' as const), from: fc.integer({ min: 1, max: 40 }), count: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('read' as const), limit: fc.integer({ min: 1, max: 10 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.array(op, { minLength: 1, maxLength: 10 }), async (initial, ops) => {
        const t = stream();
        if (initial > 0) await ctx.store.insertTrades(Array.from({ length: initial }, (_, i) => t(i + 1)));
        const cache = newCache(4, 2);
        for (const o of ops) {
          if (o.kind === 'batch') await publish(Array.from({ length: o.count }, (_, i) => t(o.from + i)));
          else expect(await recent(cache, t(0), o.limit)).toEqual(await storeRecent(t(0), o.limit));
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
