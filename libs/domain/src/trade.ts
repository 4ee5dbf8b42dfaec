/**
 * A normalised print from an exchange. Prices and quantities stay the exchange's decimal strings:
 * nothing on the way from the wire to storage turns them into floats.
 */
export interface Trade {
  /** Canonical exchange id from the registry, e.g. `binance-usdm` (never an alias). */
  readonly exchange: string;
  /** The exchange's own symbol, upper case, e.g. `BTCUSDT`. */
  readonly symbol: string;
  /** Which stream the print came from; ids are contiguous within one (exchange, symbol, kind). */
  readonly kind: TradeKind;
  /** Trade id (`t`) or aggregate trade id (`a`). */
  readonly id: number;
  /** First and last raw trade id the print stands for (`f`/`l` of an aggTrade; both `t` for a trade). */
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  readonly price: string;
  readonly qty: string;
  /** `m`: the buyer was the maker, so the taker sold. */
  readonly isBuyerMaker: boolean;
  /**
   * False for prints the exchange leaves out of its own klines (Binance futures `X` other than
   * `MARKET`, e.g. `INSURANCE_FUND`). Stored for id continuity, never aggregated.
   */
  readonly market: boolean;
  /** Trade time at the exchange (`T`), ms since the epoch. Candles bucket by this. */
  readonly exchangeTimeMs: number;
  /** Event time of the frame (`E`), ms. */
  readonly eventTimeMs: number;
  /** When exgate read the frame off the socket (or REST), ms. */
  readonly receivedAtMs: number;
}

export type TradeKind = 'trade' | 'aggTrade';

/** Kafka key and partitioning unit: all prints of one symbol on one exchange stay in order. */
export function streamKey(exchange: string, symbol: string): string {
  return `${exchange}:${symbol}`;
}

/**
 * What the collector hands the bus for one stream: new prints in id order, plus how far the stream
 * is known to be complete. The aggregator closes buckets (and fills empty ones) only up to the
 * watermark, so a disconnection never turns into invented "no trades" candles.
 */
export interface TradeBatch {
  readonly exchange: string;
  readonly symbol: string;
  readonly kind: TradeKind;
  /** Ascending ids, contiguous with the previous batch of the stream unless `gap` says otherwise. */
  readonly trades: readonly Trade[];
  /** Every print with exchange time ≤ this has been delivered; null when the feed vouches for nothing. */
  readonly watermarkMs: number | null;
  /** Exchange-time range the collector missed and could not backfill. */
  readonly gap: TimeRange | null;
}

export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}
