import ccxt from 'ccxt';
import { INTERVALS, type Trade } from '@exgate/domain';

/**
 * ccxt's answer to the same job: its Exchange.buildOHLCVC, once per interval, over the same prints
 * turned into ccxt trades. ccxt works on floats (we parse the strings with parseFloat, as ccxt's
 * own parsers do), computes fewer fields (no quote or taker volumes), and buckets by flooring the
 * timestamp, so its 1w are Thursday weeks and its 1M are 30-day blocks: a speed yardstick only.
 */
const exchange = new ccxt.binance();

interface CcxtTrade {
  timestamp: number;
  price: number;
  amount: number;
}

export function toCcxtTrades(trades: readonly Trade[]): CcxtTrade[] {
  const out: CcxtTrade[] = [];
  for (const t of trades) {
    if (t.market) out.push({ timestamp: t.exchangeTimeMs, price: parseFloat(t.price), amount: parseFloat(t.qty) });
  }
  return out;
}

/** From our trades (decimal strings) to ccxt candles of all 16 intervals; returns the candle count. */
export function runCcxt(trades: readonly Trade[]): number {
  const ccxtTrades = toCcxtTrades(trades) as unknown as Parameters<typeof exchange.buildOHLCVC>[0];
  let candles = 0;
  for (const interval of INTERVALS) candles += exchange.buildOHLCVC(ccxtTrades, interval).length;
  return candles;
}
