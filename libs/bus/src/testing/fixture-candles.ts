import type { Candle } from '@exgate/domain';
import { fixtureLines } from '@exgate/testing';

/** Binance's own 1m klines of the fixture window, as closed exgate candles. */
export function fixtureCandles(): Candle[] {
  return fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-klines-1m.csv')
    .slice(1)
    .map((line, i) => {
      const [openTime, open, high, low, close, volume, closeTime, quoteVolume, count, takerBuyVolume, takerBuyQuoteVolume] =
        line.split(',') as [string, string, string, string, string, string, string, string, string, string, string];
      return {
        exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', openTimeMs: Number.parseInt(openTime, 10),
        closeTimeMs: Number.parseInt(closeTime, 10), open, high, low, close, volume, quoteVolume,
        takerBuyVolume, takerBuyQuoteVolume, tradeCount: Number.parseInt(count, 10),
        firstTradeId: i === 0 ? null : 5182000000 + i * 1000, lastTradeId: i === 0 ? null : 5182000999 + i * 1000,
        gapFree: i !== 0, state: 'closed', version: 1,
      };
    });
}
