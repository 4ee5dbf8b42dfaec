/**
 * How an exchange builds its own candles, where it differs from Binance's (the default). Candle
 * semantics are configuration, not branches in the engine (as nautilus_trader configures bars).
 * Which prints count and how many trades a print stands for are the mapper's part (`market`,
 * `firstTradeId`..`lastTradeId` on each Trade); this is the engine's part.
 */
export interface CandlePolicy {
  /**
   * Where the exchange's days start, as an offset from UTC in ms. Every interval is laid out on
   * that clock; one whose length divides the offset does not move (+08:00 moves 6h, 12h, 1d and
   * longer). OKX and HotBit lay days on UTC+8.
   */
  readonly tzOffsetMs: number;
  /**
   * `first-print`: a bucket opens at its first print (Binance, OKX, Bybit). `previous-price`: a
   * bucket opens at the price of the print before it, and its high and low include that price
   * (ViaBTC's `kline_info_new(info->last)`, hence HotBit).
   */
  readonly openAt: 'first-print' | 'previous-price';
}

/** UTC days, buckets open at their first print: Binance's, Bybit's and INTX's rules, and the default. */
export const UTC_CANDLES: CandlePolicy = Object.freeze({ tzOffsetMs: 0, openAt: 'first-print' });
