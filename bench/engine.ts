import { type Candle, CandleAggregator, INTERVALS, type IntervalId, type Trade } from '@exgate/domain';

/** What a run produced: every closed candle (per interval) and the forming ones at the end. */
export interface EngineRun {
  readonly closed: Map<IntervalId, Candle[]>;
  readonly forming: Candle[];
  readonly emitted: number;
}

/**
 * exgate's engine: one aggregator for the stream, all 16 intervals, a service-like grace window.
 * `keep` collects the candles (for verification); the timed runs only count them, as a sink
 * that publishes them would not keep them either — but every candle is fully formatted.
 */
export function runEngine(trades: readonly Trade[], keep: boolean): EngineRun {
  const closed = new Map<IntervalId, Candle[]>(INTERVALS.map((i) => [i, []]));
  let emitted = 0;
  const aggregator = new CandleAggregator({
    exchange: 'binance-usdm',
    symbol: 'BTCUSDT',
    intervals: INTERVALS,
    graceMs: 2_000,
    onCandle: keep
      ? (c) => {
          emitted++;
          closed.get(c.interval)!.push(c);
        }
      : () => {
          emitted++;
        },
  });
  for (let i = 0; i < trades.length; i++) aggregator.ingest(trades[i]!);
  return { closed, forming: aggregator.formingAll(), emitted };
}
