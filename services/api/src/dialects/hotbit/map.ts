import { compareDecimalStrings as compare, intervalMs, type Candle, type IntervalId, type Trade } from '@exgate/domain';
import { sum } from '../common/decimal';
import type { ExchangeInfo } from '@exgate/exchanges';
import type { Market } from '../common/symbols';

/** Pure mappings between exgate and HotBit's (ViaBTC's) market-data shapes. */

/** HotBit intervals are seconds; these are the ones exgate builds (ViaBTC's month is 2592000). */
export const HOTBIT_INTERVALS: ReadonlyMap<number, IntervalId> = new Map([
  [1, '1s'], [60, '1m'], [180, '3m'], [300, '5m'], [900, '15m'], [1800, '30m'], [3600, '1h'], [7200, '2h'], [14400, '4h'],
  [21600, '6h'], [28800, '8h'], [43200, '12h'], [86400, '1d'], [259200, '3d'], [604800, '1w'], [2592000, '1M'],
]);

/** HotBit writes markets BTC/USDT (REST), BTC_USDT (allticker) and BTCUSDT (websocket, rows). */
export function readMarket(upper: string): Market | undefined {
  const m = /^([A-Z0-9]{1,20})[/_]([A-Z0-9]{1,20})$/.exec(upper);
  return m ? { base: m[1]!, quote: m[2]!, contract: 'spot' } : undefined;
}

/** The market name HotBit's rows and pushes carry: BTCUSDT. */
export function marketName(exchange: ExchangeInfo, symbol: string): string {
  const m = exchange.spelling.read(symbol);
  return m ? `${m.base}${m.quote}` : symbol;
}

/** allticker's symbol: BTC_USDT. */
export function tickerName(exchange: ExchangeInfo, symbol: string): string {
  const m = exchange.spelling.read(symbol);
  return m ? `${m.base}_${m.quote}` : symbol;
}

export type KlineRow = [number, string, string, string, string, string, string, string];

/** `[time_s, open, close, high, low, volume, amount, market]`: close before high and low, amount in quote. */
export function klineRow(c: Candle, market: string): KlineRow {
  return [Math.floor(c.openTimeMs / 1000), c.open, c.close, c.high, c.low, c.volume, c.quoteVolume, market];
}

export interface Deal {
  readonly id: number;
  /** Seconds: whole on REST, with the milliseconds on the websocket (HotBit sent µs floats there). */
  readonly time: number;
  readonly price: string;
  readonly amount: string;
  /** The taker's side. */
  readonly type: 'buy' | 'sell';
}

export function dealOf(t: Trade, fractionalTime: boolean): Deal {
  const seconds = t.exchangeTimeMs / 1000;
  return { id: t.id, time: fractionalTime ? seconds : Math.floor(seconds), price: t.price, amount: t.qty, type: t.isBuyerMaker ? 'sell' : 'buy' };
}

export interface Status {
  readonly period: number;
  readonly last: string;
  readonly open: string;
  readonly close: string;
  readonly high: string;
  readonly low: string;
  readonly volume: string;
  readonly deal: string;
}

/**
 * A window's state from its candles (ascending) and the last price: HotBit's market.status. With
 * no candle in the window, everything but `last` is "0", as ViaBTC answers for a quiet market.
 */
export function statusOf(candles: readonly Candle[], last: string, periodS: number): Status {
  const first = candles[0];
  const final = candles[candles.length - 1];
  if (!first || !final) return { period: periodS, last, open: '0', close: '0', high: '0', low: '0', volume: '0', deal: '0' };
  let high = first.high;
  let low = first.low;
  for (const c of candles) {
    if (compare(c.high, high) > 0) high = c.high;
    if (compare(c.low, low) < 0) low = c.low;
  }
  return {
    period: periodS, last, open: first.open, close: final.close, high, low,
    volume: sum(candles.map((c) => c.volume)), deal: sum(candles.map((c) => c.quoteVolume)),
  };
}

/** The finest interval whose candles cover `periodS` in at most `maxCandles`: the status window's grain. */
export function statusInterval(periodS: number, maxCandles: number): IntervalId {
  for (const i of ['1m', '1h', '1d'] as const) if (periodS * 1000 <= (intervalMs(i) ?? 0) * maxCandles) return i;
  return '1w';
}
