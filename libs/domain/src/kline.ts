/**
 * Binance's kline as the exchange publishes it (REST `klines`, monthly archives): the common
 * ground of every exchange's candle. exgate's own Candle extends it.
 */
export interface Kline {
  readonly openTimeMs: number;
  readonly closeTimeMs: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly takerBuyVolume: string;
  readonly takerBuyQuoteVolume: string;
  readonly tradeCount: number;
}
