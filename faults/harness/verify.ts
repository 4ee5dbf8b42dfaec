import { buildCandles, compareDecimalStrings, type BuildCandlesOptions, type Candle, type IntervalId, type Trade } from '@exgate/domain';
import type { ClickHouseMarketStore } from '@exgate/store';
import type { RunContext } from './context';
import { identity, type FaultExchange } from './exchange';
import { INTERVALS } from './services';

export interface Verdict {
  /** Prints the exchange made (every symbol). */
  readonly trades: number;
  /**
   * Printed but not in storage. Where ids are contiguous: every such print. Elsewhere: those a
   * candle still calls complete (a loss in a disconnection, inside a `gap_free: false` candle, is
   * what such an exchange allows; it is counted in `excused`).
   */
  readonly lost: number;
  /** Prints lost where the exchange's ids cannot show it, each inside a candle marked incomplete. */
  readonly excused: number;
  /** Ids storage holds more than once: in what it returns, or as rows a full merge leaves. */
  readonly duplicated: number;
  /** In storage but never printed. */
  readonly phantom: number;
  /**
   * Stored candles that differ from a recomputation from the stored trades, that are missing or
   * extra, or (where ids cannot show losses) that say complete but differ from the true prints.
   */
  readonly wrong: number;
  /** Physical trade rows before the merge (more than the trades when replays landed twice). */
  readonly rawRows: number;
  /** The first few differences, for the report. */
  readonly problems: readonly string[];
}

/**
 * The run's judgement, from storage alone: every printed print stored exactly once (or, where the
 * exchange's ids cannot show a loss, every print missing inside a candle marked incomplete), and
 * every stored candle equal (as decimals) to the candles built again from the stored trades —
 * and, where losses are possible, every candle called complete equal to the true one.
 */
export async function verify(opening: Promise<ClickHouseMarketStore>, ctx: Pick<RunContext, 'exchange' | 'symbols' | 'sim' | 'truth'>): Promise<Verdict> {
  const store = await opening;
  const x = ctx.exchange;
  const problems: string[] = [];
  const v = { trades: 0, lost: 0, excused: 0, duplicated: 0, phantom: 0, wrong: 0, rawRows: 0 };
  for (const symbol of ctx.symbols) v.rawRows += await countRows(store, x, symbol);
  // The merge ReplacingMergeTree does in its own time: what is left must be one row per id.
  await store.driver.exec(`OPTIMIZE TABLE ${store.database}.trades FINAL`);
  for (const symbol of ctx.symbols) {
    const trades = await store.trades({ exchange: x.id, symbol, kind: x.kind, limit: 10_000_000, order: 'asc' });
    const merged = await countRows(store, x, symbol);
    const candlesOf = (interval: IntervalId) => store.candles({ exchange: x.id, symbol, interval, fromMs: 0, toMs: 4_102_444_800_000, limit: 1_000_000 });
    const truth = ctx.truth.get(symbol) ?? [];
    const t = x.contiguous
      ? { ...judgeTrades(ctx.sim.printedIds(symbol, x.kind), trades.map((p) => p.id), merged), excused: 0 }
      : judgeLossyTrades(truth, trades, merged, await candlesOf('1m'));
    v.trades += t.trades;
    v.lost += t.lost;
    v.excused += t.excused;
    v.phantom += t.phantom;
    v.duplicated += t.duplicated;
    problems.push(...t.problems.map((p) => `${symbol}: ${p}`));
    for (const interval of INTERVALS) {
      const candles = await candlesOf(interval);
      const wrong = [...judgeCandles(candles, trades, interval, semanticsOf(x), { lossy: !x.contiguous }), ...(x.contiguous ? [] : judgeComplete(candles, truth, interval, semanticsOf(x)))];
      v.wrong += wrong.length;
      problems.push(...wrong.slice(0, 3).map((w) => `${symbol} ${interval} ${w}`));
    }
  }
  return { ...v, problems: problems.slice(0, 12) };
}

/** The engine's settings for the exchange, as the aggregator takes them from the registry. */
export function semanticsOf(x: FaultExchange): BuildCandlesOptions {
  const { candlePolicy } = x.module.info;
  return { tzOffsetMs: candlePolicy.tzOffsetMs, openAt: candlePolicy.openAt, contiguousIds: x.contiguous };
}

/**
 * Where ids cannot show a loss: prints stored once by the exchange's own id, none invented, and
 * every print missing lies in a 1m bucket whose candle says `gap_free: false` (or that has none).
 */
export function judgeLossyTrades(truth: readonly Trade[], stored: readonly Trade[], mergedRows: number, candles1m: readonly Candle[]) {
  const storedIds = stored.map(identity);
  const storedSet = new Set(storedIds);
  const truthSet = new Set(truth.map(identity));
  const phantom = [...storedSet].filter((id) => !truthSet.has(id));
  const duplicated = Math.max(storedIds.length - storedSet.size, mergedRows - storedSet.size);
  const complete = new Set(candles1m.filter((c) => c.gapFree).map((c) => c.openTimeMs));
  const missing = truth.filter((t) => !storedSet.has(identity(t)));
  const unexcused = missing.filter((t) => complete.has(Math.floor(t.exchangeTimeMs / 60_000) * 60_000));
  const problems: string[] = [];
  if (unexcused.length > 0) problems.push(`${unexcused.length} prints missing inside candles called complete, e.g. ${unexcused.slice(0, 3).map(identity).join(',')}`);
  if (phantom.length > 0) problems.push(`${phantom.length} prints never printed, e.g. ${phantom.slice(0, 3).join(',')}`);
  if (duplicated > 0) problems.push(`${duplicated} prints stored twice (${storedIds.length} read, ${mergedRows} rows after a full merge, ${storedSet.size} ids)`);
  return { trades: truth.length, lost: unexcused.length, excused: missing.length - unexcused.length, phantom: phantom.length, duplicated, problems };
}

/** Where losses are possible: every stored candle that says complete equals the one the true prints make. */
export function judgeComplete(stored: readonly Candle[], truth: readonly Trade[], interval: IntervalId, semantics: BuildCandlesOptions = {}): string[] {
  if (truth.length === 0) return [];
  const untilMs = Math.max(stored.at(-1)?.openTimeMs ?? 0, truth.at(-1)!.exchangeTimeMs);
  const expected = new Map(buildCandles(truth, interval, { ...semantics, untilMs }).map((c) => [c.openTimeMs, c]));
  return stored.filter((c) => c.gapFree).flatMap((c) => {
    const e = expected.get(c.openTimeMs);
    if (!e) return [`${c.openTimeMs}: called complete, but the exchange printed nothing there`];
    const diff = klineDifferences(c, e);
    return diff.length === 0 ? [] : [`${c.openTimeMs} called complete but differs from the true prints: ${diff.join(', ')}`];
  });
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
export function judgeCandles(
  stored: readonly Candle[], trades: readonly Trade[], interval: IntervalId, semantics: BuildCandlesOptions = {}, { lossy = false } = {},
): string[] {
  if (trades.length === 0) return stored.map((c) => `${c.openTimeMs}: stored without any trade`);
  const untilMs = Math.max(stored.at(-1)?.openTimeMs ?? 0, trades.at(-1)!.exchangeTimeMs);
  const expected = new Map(buildCandles(trades, interval, { ...semantics, untilMs }).map((c) => [c.openTimeMs, c]));
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
  for (const e of expected.values()) {
    if (lossy && e.tradeCount === 0 && insideLoss(stored, e.openTimeMs)) continue;
    out.push(`${e.openTimeMs}: missing (${e.tradeCount} trades)`);
  }
  return out;
}

/**
 * Where ids cannot show a loss, an empty bucket inside a declared loss is not "no trades": the
 * engine leaves it unpublished (publisher.ts) rather than invent a flat candle. It lies inside the
 * loss when the stored candles on both sides of it (or the one before it, at the end) are marked
 * gap_free: false.
 */
function insideLoss(stored: readonly Candle[], openTimeMs: number): boolean {
  const before = [...stored].reverse().find((c) => c.openTimeMs < openTimeMs);
  const after = stored.find((c) => c.openTimeMs > openTimeMs);
  return before !== undefined && !before.gapFree && (after === undefined || !after.gapFree);
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

async function countRows(store: ClickHouseMarketStore, x: FaultExchange, symbol: string): Promise<number> {
  const rows = await store.driver.query<{ n: string }>(
    `SELECT count() AS n FROM ${store.database}.trades
     WHERE exchange = {exchange:String} AND symbol = {symbol:String} AND kind = {kind:String}
     SETTINGS output_format_json_quote_64bit_integers = 1`,
    { exchange: x.id, symbol, kind: x.kind },
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
