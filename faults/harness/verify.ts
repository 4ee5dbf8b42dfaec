import { buildCandles, compareDecimalStrings, type Candle, type IntervalId, type Trade } from '@exgate/domain';
import type { ClickHouseMarketStore } from '@exgate/store';
import { EXCHANGE, KIND } from './context';
import { INTERVALS } from './services';

export interface Verdict {
  /** Prints the exchange made (every symbol). */
  readonly trades: number;
  /** Printed but not in storage. */
  readonly lost: number;
  /** Ids storage holds more than once: in what it returns, or as rows a full merge leaves. */
  readonly duplicated: number;
  /** In storage but never printed. */
  readonly phantom: number;
  /** Stored candles that differ from a recomputation from the stored trades, or that are missing or extra. */
  readonly wrong: number;
  /** Physical trade rows before the merge (more than the trades when replays landed twice). */
  readonly rawRows: number;
  /** The first few differences, for the report. */
  readonly problems: readonly string[];
}

/**
 * The run's judgement, from storage alone: every printed id stored exactly once, and every stored
 * candle of every interval equal (as decimals) to the candles built again from the stored trades.
 */
export async function verify(
  opening: Promise<ClickHouseMarketStore>,
  printedIds: (symbol: string) => readonly number[],
  symbols: readonly string[],
): Promise<Verdict> {
  const store = await opening;
  const problems: string[] = [];
  const v = { trades: 0, lost: 0, duplicated: 0, phantom: 0, wrong: 0, rawRows: 0 };
  for (const symbol of symbols) v.rawRows += await countRows(store, symbol);
  // The merge ReplacingMergeTree does in its own time: what is left must be one row per id.
  await store.driver.exec(`OPTIMIZE TABLE ${store.database}.trades FINAL`);
  for (const symbol of symbols) {
    const trades = await store.trades({ exchange: EXCHANGE, symbol, kind: KIND, limit: 10_000_000, order: 'asc' });
    const t = judgeTrades(printedIds(symbol), trades.map((x) => x.id), await countRows(store, symbol));
    v.trades += t.trades;
    v.lost += t.lost;
    v.phantom += t.phantom;
    v.duplicated += t.duplicated;
    problems.push(...t.problems.map((p) => `${symbol}: ${p}`));
    for (const interval of INTERVALS) {
      const candles = await store.candles({ exchange: EXCHANGE, symbol, interval, fromMs: 0, toMs: 4_102_444_800_000, limit: 1_000_000 });
      const wrong = judgeCandles(candles, trades, interval);
      v.wrong += wrong.length;
      problems.push(...wrong.slice(0, 3).map((w) => `${symbol} ${interval} ${w}`));
    }
  }
  return { ...v, problems: problems.slice(0, 12) };
}

/** Ids: printed vs returned by the store; `mergedRows` are the rows left once every part is merged. */
export function judgeTrades(printed: readonly number[], storedIds: readonly number[], mergedRows: number) {
  const stored = new Set(storedIds);
  const printedSet = new Set(printed);
  const lost = printed.filter((id) => !stored.has(id));
  const phantom = [...stored].filter((id) => !printedSet.has(id));
  const duplicated = Math.max(storedIds.length - stored.size, mergedRows - stored.size);
  const problems: string[] = [];
  if (lost.length > 0) problems.push(`lost ${lost.length} ids, e.g. ${ranges(lost)}`);
  if (phantom.length > 0) problems.push(`${phantom.length} ids never printed, e.g. ${ranges(phantom)}`);
  if (duplicated > 0) problems.push(`${duplicated} ids stored twice (${storedIds.length} read, ${mergedRows} rows after a full merge, ${stored.size} ids)`);
  return { trades: printed.length, lost: lost.length, phantom: phantom.length, duplicated, problems };
}

/**
 * Expected: the same engine run once over the stored trades, up to the latest bucket storage holds
 * (the aggregator may have closed buckets after the last print, as empty ones, when its watermark passed them).
 */
export function judgeCandles(stored: readonly Candle[], trades: readonly Trade[], interval: IntervalId): string[] {
  if (trades.length === 0) return stored.map((c) => `${c.openTimeMs}: stored without any trade`);
  const untilMs = Math.max(stored.at(-1)?.openTimeMs ?? 0, trades.at(-1)!.exchangeTimeMs);
  const expected = new Map(buildCandles(trades, interval, { untilMs }).map((c) => [c.openTimeMs, c]));
  const out: string[] = [];
  for (const c of stored) {
    const e = expected.get(c.openTimeMs);
    if (!e) {
      out.push(`${c.openTimeMs}: stored (${c.state} v${c.version}, ${c.tradeCount} trades) but not expected`);
      continue;
    }
    expected.delete(c.openTimeMs);
    const diff = klineDifferences(c, e);
    if (diff.length > 0) out.push(`${c.openTimeMs} (${c.state} v${c.version}): ${diff.join(', ')}`);
  }
  for (const e of expected.values()) out.push(`${e.openTimeMs}: missing (${e.tradeCount} trades)`);
  return out;
}

const KLINE_DECIMALS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

function klineDifferences(got: Candle, want: Candle): string[] {
  const diff: string[] = [];
  if (got.closeTimeMs !== want.closeTimeMs) diff.push(`closeTime ${got.closeTimeMs} ≠ ${want.closeTimeMs}`);
  if (got.tradeCount !== want.tradeCount) diff.push(`count ${got.tradeCount} ≠ ${want.tradeCount}`);
  for (const field of KLINE_DECIMALS) {
    if (compareDecimalStrings(got[field], want[field]) !== 0) diff.push(`${field} ${got[field]} ≠ ${want[field]}`);
  }
  return diff;
}

async function countRows(store: ClickHouseMarketStore, symbol: string): Promise<number> {
  const rows = await store.driver.query<{ n: string }>(
    `SELECT count() AS n FROM ${store.database}.trades
     WHERE exchange = {exchange:String} AND symbol = {symbol:String} AND kind = {kind:String}
     SETTINGS output_format_json_quote_64bit_integers = 1`,
    { exchange: EXCHANGE, symbol, kind: KIND },
  );
  return Number.parseInt(rows[0]?.n ?? '0', 10);
}

/** `1000012-1000020,1000031` for the first few ids of a sorted list. */
function ranges(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length && parts.length < 4; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(i === j ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
