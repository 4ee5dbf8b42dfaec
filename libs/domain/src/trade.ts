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
  /**
   * The print's place in its stream: ids only grow. The exchange's own id where it is a number
   * that orders prints (Binance `t` or `a`, OKX `tradeId`, HotBit's deal id); for exchanges whose
   * ids carry no order (capability `tradeIds: 'none'`), a sequence exgate assigns on arrival.
   */
  readonly id: number;
  /** The exchange's own id where `id` is not it (Bybit's UUIDs, INTX's 64-bit match ids). */
  readonly sourceId?: string;
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

/**
 * The one name of a stream (one exchange's prints of one symbol), wherever a stream is named: the
 * Kafka key and partitioning unit (so a stream's prints stay in order), the subscription and
 * checkpoint keys, the aggregator's state, logs.
 */
export function streamKey(exchange: string, symbol: string): string {
  return `${exchange}:${symbol}`;
}

/** The inverse of streamKey; undefined for anything else. Exchange ids hold no `:`. */
export function parseStreamKey(key: string): { readonly exchange: string; readonly symbol: string } | undefined {
  const at = key.indexOf(':');
  if (at <= 0 || at === key.length - 1) return undefined;
  return { exchange: key.slice(0, at), symbol: key.slice(at + 1) };
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
