import type { Candle, IntervalId } from '@exgate/domain';
import { JsonDecimal } from '../common/json';
import type { Market } from '../common/symbols';

/** Seed 003's intervals, in its order. */
export const CANDLES_API_INTERVALS = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] as const satisfies readonly IntervalId[];
export type CandlesApiInterval = (typeof CANDLES_API_INTERVALS)[number];

export function isCandlesApiInterval(text: string): text is CandlesApiInterval {
  return (CANDLES_API_INTERVALS as readonly string[]).includes(text);
}

/** The seed's default range per interval, back from `to`: days, or calendar months. */
const DEFAULT_RANGE: Readonly<Record<CandlesApiInterval, { readonly days?: number; readonly months?: number }>> = {
  '1m': { days: 1 },
  '5m': { days: 7 },
  '15m': { days: 14 },
  '30m': { months: 1 },
  '1h': { months: 3 },
  '4h': { months: 12 },
  '1d': { months: 60 },
};

/** Pure: the start of the default range ending at `toMs` (calendar months keep the day and time, clamped to the month's end). */
export function defaultFromMs(interval: CandlesApiInterval, toMs: number): number {
  const range = DEFAULT_RANGE[interval];
  if (range.days !== undefined) return toMs - range.days * 86_400_000;
  const to = new Date(toMs);
  const months = range.months ?? 0;
  const first = Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - months, 1);
  const firstDate = new Date(first);
  const lastDay = new Date(Date.UTC(firstDate.getUTCFullYear(), firstDate.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(to.getUTCDate(), lastDay);
  return first + (day - 1) * 86_400_000 + (toMs - Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate()));
}

/** The seed's perpetual names: BTC_USDC_PERP. Other spellings are the exchange's own (BTCUSDT). */
export function readDbSymbol(upper: string): Market | undefined {
  const m = /^([A-Z0-9]{1,20})_([A-Z0-9]{1,20})_PERP$/.exec(upper);
  return m ? { base: m[1]!, quote: m[2]!, contract: 'perp' } : undefined;
}

export interface CandlesApiRow {
  readonly time: string;
  readonly open: JsonDecimal;
  readonly high: JsonDecimal;
  readonly low: JsonDecimal;
  readonly close: JsonDecimal;
  readonly volume: JsonDecimal;
  readonly trade_count: number;
}

/** Pure: one data row; prices and volume are JSON numbers written with the candle's exact digits. */
export function rowOf(c: Candle): CandlesApiRow {
  return {
    time: new Date(c.openTimeMs).toISOString(),
    open: JsonDecimal.of(c.open),
    high: JsonDecimal.of(c.high),
    low: JsonDecimal.of(c.low),
    close: JsonDecimal.of(c.close),
    volume: JsonDecimal.of(c.volume),
    trade_count: c.tradeCount,
  };
}
