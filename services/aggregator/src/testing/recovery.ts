import { buildCandles, compareDecimalStrings, type Candle, type IntervalId, type Trade, type TradeBatch } from '@exgate/domain';
import { requireExchange } from '@exgate/exchanges';
import { silentLogger, systemClock } from '@exgate/runtime';
import type { CandleLogWriter } from '@exgate/bus';
import type { MarketStore } from '@exgate/store';
import { fixtureLines } from '@exgate/testing';

/** Helpers for the aggregator's recovery tests: real fixture streams and checks against the store. */

const adapter = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });

/** The real prints of a recorded USDⓈ-M trade stream (ids contiguous). */
export function fixturePrints(file: 'btcusdt-trade-stream.jsonl' | 'ethusdt-trade-stream.jsonl'): Trade[] {
  return fixtureLines('binance', 'usdm-trades-2024-07-18', file).flatMap((line) => {
    const r = adapter.parseFrame(line, 1_800_000_000_000);
    return r.type === 'trades' ? [...r.trades] : [];
  });
}

/** Collector-like batches: `size` prints each, vouching for time up to the last one. */
export function batchesOf(prints: readonly Trade[], size: number): TradeBatch[] {
  const out: TradeBatch[] = [];
  for (let i = 0; i < prints.length; i += size) {
    const trades = prints.slice(i, i + size);
    const first = trades[0]!;
    out.push({ exchange: first.exchange, symbol: first.symbol, kind: first.kind, trades, watermarkMs: trades[trades.length - 1]!.exchangeTimeMs, gap: null });
  }
  return out;
}

/** Batches of several streams taking turns, as a collector publishing them all would. */
export function interleave(...streams: readonly TradeBatch[][]): TradeBatch[] {
  const out: TradeBatch[] = [];
  for (let i = 0; streams.some((s) => i < s.length); i++) for (const s of streams) if (i < s.length) out.push(s[i]!);
  return out;
}

const FAR_MS = 10_000_000_000_000;
const KLINE = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

/**
 * Differences between what is stored for a stream and what it should be: every print exactly
 * once (`expected` ids, in order), and every stored candle of every interval equal to a one-shot
 * recomputation from the stored prints (kline fields as decimals; ids, count, completeness,
 * state, version exactly), none missing, none extra. [] when all is right.
 */
export async function storedDifferences(store: MarketStore, expected: readonly Trade[], intervals: readonly IntervalId[]): Promise<string[]> {
  const { exchange, symbol, kind } = expected[0]!;
  const trades = await store.trades({ exchange, symbol, kind, limit: 1_000_000, order: 'asc' });
  const diffs: string[] = [];
  const ids = trades.map((t) => t.id);
  if (ids.join(',') !== expected.map((t) => t.id).join(',')) diffs.push(`${symbol}: stored ids ${ids[0]}…${ids[ids.length - 1]} (${ids.length}) ≠ expected (${expected.length})`);
  for (const interval of intervals) {
    const stored = await store.candles({ exchange, symbol, interval, fromMs: 0, toMs: FAR_MS, limit: 1_000_000 });
    const wanted = new Map(buildCandles(trades, interval).map((c) => [c.openTimeMs, c]));
    if (stored.length !== wanted.size) diffs.push(`${symbol} ${interval}: ${stored.length} candles stored, ${wanted.size} recomputed`);
    for (const c of stored) {
      const w = wanted.get(c.openTimeMs);
      const d = w ? candleDifferences(c, w) : ['not in the recomputation'];
      if (d.length > 0) diffs.push(`${symbol} ${interval} ${new Date(c.openTimeMs).toISOString()}: ${d.join(', ')}`);
    }
  }
  return diffs;
}

function candleDifferences(c: Candle, w: Candle): string[] {
  const d = KLINE.filter((f) => compareDecimalStrings(c[f], w[f]) !== 0).map((f) => `${f} ${c[f]} ≠ ${w[f]}`);
  for (const f of ['tradeCount', 'firstTradeId', 'lastTradeId', 'gapFree', 'state', 'version'] as const) {
    if (c[f] !== w[f]) d.push(`${f} ${String(c[f])} ≠ ${String(w[f])}`);
  }
  return d;
}

export type StoreWrite = 'insertTrades' | 'upsertCandles';

/**
 * Our own port with a fault in it: the `nth` call of `write` fails, as a process killed at that
 * point would leave things (the earlier writes of its batch done, nothing after). With `dies`, every
 * call after it fails too: nothing the dead instance still holds reaches the store. The failure
 * comes once `failAfter` resolves: a write that runs behind others fails after they went on.
 */
export function faultyStore(
  store: MarketStore, write: StoreWrite, nth: number, dies: boolean, failAfter: Promise<void> = Promise.resolve(),
): MarketStore & { readonly failed: boolean; readonly candleWrites: number } {
  let calls = 0;
  let failed = false;
  let candleWrites = 0;
  const check = () => {
    if (failed && dies) throw new Error('the instance is dead');
  };
  const wrapped = {
    get failed() {
      return failed;
    },
    /** upsertCandles calls made, failed or not. */
    get candleWrites() {
      return candleWrites;
    },
    migrate: () => store.migrate(),
    insertTrades: async (trades: readonly Trade[]) => {
      check();
      if (write === 'insertTrades' && ++calls === nth) {
        await failAfter;
        failed = true;
        throw new Error(`injected failure of insertTrades #${nth}`);
      }
      return store.insertTrades(trades);
    },
    upsertCandles: async (candles: readonly Candle[]) => {
      candleWrites++;
      check();
      if (write === 'upsertCandles' && ++calls === nth) {
        await failAfter;
        failed = true;
        throw new Error(`injected failure of upsertCandles #${nth}`);
      }
      return store.upsertCandles(candles);
    },
    candles: async (q: Parameters<MarketStore['candles']>[0]) => {
      check();
      return store.candles(q);
    },
    trades: async (q: Parameters<MarketStore['trades']>[0]) => {
      check();
      return store.trades(q);
    },
    history: (q: Parameters<MarketStore['history']>[0]) => {
      check();
      return store.history(q);
    },
    newestTrades: async (q: Parameters<MarketStore['newestTrades']>[0]) => {
      check();
      return store.newestTrades(q);
    },
    lastTradeId: async (s: Parameters<MarketStore['lastTradeId']>[0]) => {
      check();
      return store.lastTradeId(s);
    },
    streams: async () => {
      check();
      return store.streams();
    },
    close: async () => {},
  };
  return wrapped;
}

/** The candle topic's writer, failing its `nth` publish (the broker went away at that moment). */
export function faultyCandleLog(writer: CandleLogWriter, nth: number): CandleLogWriter & { readonly failed: boolean } {
  let calls = 0;
  let failed = false;
  return {
    get failed() {
      return failed;
    },
    publish: async (candles: readonly Candle[]) => {
      if (++calls === nth) {
        failed = true;
        throw new Error(`injected failure of candle publish #${nth}`);
      }
      return writer.publish(candles);
    },
    close: () => writer.close(),
  };
}
