import type { IntervalId } from './interval';
import type { Kline } from './kline';

/**
 * forming: the bucket is still open. closed: its time has passed (plus the grace window).
 * corrected: a late trade changed it after it had been published as closed.
 */
export type CandleState = 'forming' | 'closed' | 'corrected';

/** One kline, Binance's fields plus what exgate knows about how complete it is. */
export interface Candle extends Kline {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: IntervalId;
  /** First and last stream id (trade or aggTrade id) inside the bucket; null when it had none. */
  readonly firstTradeId: number | null;
  readonly lastTradeId: number | null;
  /** True when exgate saw every id of the bucket (no disconnection, no id gap). */
  readonly gapFree: boolean;
  readonly state: CandleState;
  /** Grows with every change of a published candle; storage keeps the highest. */
  readonly version: number;
}

export function candleKey(c: Pick<Candle, 'exchange' | 'symbol' | 'interval'>): string {
  return `${c.exchange}:${c.symbol}:${c.interval}`;
}
