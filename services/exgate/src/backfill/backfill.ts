import { INTERVALS, type Trade } from '@exgate/domain';
import { createAggregator } from '@exgate/aggregator';
import { MemoryEventBus, type CandleLogWriter } from '@exgate/bus';
import { ExgateError } from '@exgate/errors';
import type { ExchangeAdapter } from '@exgate/exchanges';
import { MetricsRegistry, systemClock, type Logger } from '@exgate/runtime';
import type { MarketStore } from '@exgate/store';
import { HandoffLog } from './handoff-log';

export interface BackfillRequest {
  readonly adapter: ExchangeAdapter;
  readonly store: MarketStore;
  readonly symbol: string;
  /** Exchange time, inclusive both. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly logger: Logger;
  /** After each stored page: the exchange time reached and the prints stored so far this run. */
  readonly onProgress?: (reachedMs: number, prints: number) => void;
  /** Stop (cleanly, resumable) after this many pages: tests of resuming. */
  readonly maxPages?: number;
}

export interface BackfillReport {
  /** Where this run started: a fresh download, or after what an earlier run stored. */
  readonly resumedAfterId: number | null;
  readonly prints: number;
  readonly pages: number;
  readonly firstId: number | null;
  readonly lastId: number | null;
  /** The range is complete (false when maxPages stopped it). */
  readonly complete: boolean;
}

/**
 * Downloads one symbol's prints of [fromMs, toMs] by id from the exchange's REST and stores them
 * with their candles, through the aggregator the live path uses: the same engine, the same
 * completeness rules, the same store writes. So the candles equal what live collection would
 * have made. Resumable: what an earlier run stored of the range is not fetched again, and the
 * aggregator restores its open candles from the store as after any restart.
 */
export async function runBackfill(r: BackfillRequest): Promise<BackfillReport> {
  const { adapter, store, symbol, fromMs, toMs } = r;
  const { info, rest } = adapter;
  const kind = info.tradeKind;
  if (info.capabilities.backfill !== 'by-id' || !rest.tradeAtOrAfter) {
    throw new ExgateError('EXCHANGE_REJECTED', `${info.displayName} serves no trade history by id: nothing can be downloaded`);
  }
  const stream = { exchange: info.id, symbol, kind };
  const [newest] = await store.trades({ ...stream, limit: 1, order: 'desc' });
  if (newest && newest.exchangeTimeMs > toMs) {
    throw new ExgateError('INVALID_ARGUMENT',
      `${info.id} ${symbol} already has prints after the range (up to ${new Date(newest.exchangeTimeMs).toISOString()}): a download fills history before what is stored`);
  }
  const resumedAfterId = newest && newest.exchangeTimeMs >= fromMs ? newest.id : null;
  let nextId: number;
  if (resumedAfterId !== null) nextId = resumedAfterId + 1;
  else {
    const first = await rest.tradeAtOrAfter(symbol, fromMs, kind);
    if (!first || first.exchangeTimeMs > toMs) return { resumedAfterId, prints: 0, pages: 0, firstId: null, lastId: null, complete: true };
    nextId = first.id;
  }

  const log = new HandoffLog();
  const aggregator = createAggregator({
    tradeLog: log, store, candleLog: discardCandles, events: new MemoryEventBus(), clock: systemClock,
    logger: r.logger, metrics: new MetricsRegistry(),
    // As the live aggregator of the embedded mode: every interval, the default grace.
    config: { intervals: INTERVALS, graceMs: 5_000, liveUpdates: false },
  });
  await aggregator.start();
  const report = { resumedAfterId, prints: 0, pages: 0, firstId: null as number | null, lastId: null as number | null, complete: false };
  try {
    for (;;) {
      if (r.maxPages !== undefined && report.pages >= r.maxPages) break;
      const page = await rest.tradesFromId(symbol, nextId, info.limits.backfillPageSize, kind);
      report.pages++;
      const inRange = page.filter((t) => t.exchangeTimeMs <= toMs);
      const beyond = page.find((t) => t.exchangeTimeMs > toMs);
      // Complete up to the first print past the range, or up to the newest print the exchange has.
      const watermarkMs = beyond ? beyond.exchangeTimeMs - 1 : lastTime(inRange);
      if (inRange.length > 0 || watermarkMs !== null) {
        await log.deliver({ exchange: info.id, symbol, kind, trades: inRange, watermarkMs, gap: null });
      }
      if (inRange.length > 0) {
        report.firstId ??= inRange[0]!.id;
        report.lastId = inRange[inRange.length - 1]!.id;
        report.prints += inRange.length;
        nextId = report.lastId + 1;
        r.onProgress?.(inRange[inRange.length - 1]!.exchangeTimeMs, report.prints);
      }
      if (beyond || page.length < info.limits.backfillPageSize) {
        report.complete = true;
        break;
      }
    }
  } finally {
    await aggregator.stop();
  }
  return report;
}

function lastTime(trades: readonly Trade[]): number | null {
  return trades.length === 0 ? null : trades[trades.length - 1]!.exchangeTimeMs;
}

/** Downloaded history is not news: its candles go to the store, not to the candle topic. */
const discardCandles: CandleLogWriter = { publish: async () => undefined, close: async () => undefined };
