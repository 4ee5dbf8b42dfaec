import { isInterval, type Candle, type CandleState, type IntervalId, type Kline, type Trade, type TradeKind } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import { PRICE_QTY, QUOTE_VOLUME, toColumnDecimal } from './decimal';
import { fromNullableUInt64, fromUInt64, toTimeMs, toUInt } from './ints';
import type { RowSource } from './ports';

const KINDS: readonly string[] = ['trade', 'aggTrade'] satisfies TradeKind[];
const STATES: readonly string[] = ['forming', 'closed', 'corrected'] satisfies CandleState[];

export function checkKind(kind: unknown): TradeKind {
  if (typeof kind === 'string' && KINDS.includes(kind)) return kind as TradeKind;
  throw new ExgateError('INVALID_ARGUMENT', `unknown trade kind ${JSON.stringify(kind)}`, { details: { kind } });
}

export function checkInterval(interval: unknown): IntervalId {
  if (typeof interval === 'string' && isInterval(interval)) return interval;
  throw new ExgateError('UNSUPPORTED_INTERVAL', `unknown interval ${JSON.stringify(interval)}`, { details: { interval } });
}

function checkState(state: unknown): CandleState {
  if (typeof state === 'string' && STATES.includes(state)) return state as CandleState;
  throw new ExgateError('INVALID_ARGUMENT', `unknown candle state ${JSON.stringify(state)}`, { details: { state } });
}

function checkName(value: unknown, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ExgateError('INVALID_ARGUMENT', `${field} must be a non-empty string`, { details: { field, value } });
}

/** A `trades` row: decimals as exact strings, times as integer milliseconds. */
export const TRADE_ROWS: RowSource<Trade> = {
  row: tradeToRow,
  columns: ['exchange', 'symbol', 'kind', 'id', 'first_trade_id', 'last_trade_id', 'price', 'qty', 'is_buyer_maker', 'market', 'exchange_time', 'event_time', 'received_at', 'source_id'],
  values(t, into) {
    into[0] = checkName(t.exchange, 'exchange');
    into[1] = checkName(t.symbol, 'symbol');
    into[2] = checkKind(t.kind);
    into[3] = toUInt(t.id, 'id');
    into[4] = toUInt(t.firstTradeId, 'firstTradeId');
    into[5] = toUInt(t.lastTradeId, 'lastTradeId');
    into[6] = toColumnDecimal(t.price, PRICE_QTY, 'price');
    into[7] = toColumnDecimal(t.qty, PRICE_QTY, 'qty');
    into[8] = t.isBuyerMaker === true;
    into[9] = t.market === true;
    into[10] = toTimeMs(t.exchangeTimeMs, 'exchangeTimeMs');
    into[11] = toTimeMs(t.eventTimeMs, 'eventTimeMs');
    into[12] = toTimeMs(t.receivedAtMs, 'receivedAtMs');
    into[13] = t.sourceId ?? '';
  },
};

/**
 * The same row as an object (JSONEachRow). Written out rather than built from `values`: an object
 * literal of the checked values is what the JSON path builds and serialises fastest (through
 * `values`' array, whose numbers are boxed, it took 1.1–1.3× as long); a spec holds the two equal.
 */
export function tradeToRow(t: Trade): Record<string, unknown> {
  return {
    exchange: checkName(t.exchange, 'exchange'),
    symbol: checkName(t.symbol, 'symbol'),
    kind: checkKind(t.kind),
    id: toUInt(t.id, 'id'),
    first_trade_id: toUInt(t.firstTradeId, 'firstTradeId'),
    last_trade_id: toUInt(t.lastTradeId, 'lastTradeId'),
    price: toColumnDecimal(t.price, PRICE_QTY, 'price'),
    qty: toColumnDecimal(t.qty, PRICE_QTY, 'qty'),
    is_buyer_maker: t.isBuyerMaker === true,
    market: t.market === true,
    exchange_time: toTimeMs(t.exchangeTimeMs, 'exchangeTimeMs'),
    event_time: toTimeMs(t.eventTimeMs, 'eventTimeMs'),
    received_at: toTimeMs(t.receivedAtMs, 'receivedAtMs'),
    source_id: t.sourceId ?? '',
  };
}

function nullableId(value: number | null, field: string): number | null {
  return value === null ? null : toUInt(value, field);
}

/** A `candles` row, as `TRADE_ROWS` is a `trades` row. */
export const CANDLE_ROWS: RowSource<Candle> = {
  row: candleToRow,
  columns: [
    'exchange', 'symbol', 'interval', 'open_time', 'close_time', 'open', 'high', 'low', 'close', 'volume', 'quote_volume',
    'taker_buy_volume', 'taker_buy_quote_volume', 'trade_count', 'first_trade_id', 'last_trade_id', 'gap_free', 'state', 'version',
  ],
  values(c, into) {
    into[0] = checkName(c.exchange, 'exchange');
    into[1] = checkName(c.symbol, 'symbol');
    into[2] = checkInterval(c.interval);
    into[3] = toTimeMs(c.openTimeMs, 'openTimeMs');
    into[4] = toTimeMs(c.closeTimeMs, 'closeTimeMs');
    into[5] = toColumnDecimal(c.open, PRICE_QTY, 'open');
    into[6] = toColumnDecimal(c.high, PRICE_QTY, 'high');
    into[7] = toColumnDecimal(c.low, PRICE_QTY, 'low');
    into[8] = toColumnDecimal(c.close, PRICE_QTY, 'close');
    into[9] = toColumnDecimal(c.volume, PRICE_QTY, 'volume');
    into[10] = toColumnDecimal(c.quoteVolume, QUOTE_VOLUME, 'quoteVolume');
    into[11] = toColumnDecimal(c.takerBuyVolume, PRICE_QTY, 'takerBuyVolume');
    into[12] = toColumnDecimal(c.takerBuyQuoteVolume, QUOTE_VOLUME, 'takerBuyQuoteVolume');
    into[13] = toUInt(c.tradeCount, 'tradeCount');
    into[14] = nullableId(c.firstTradeId, 'firstTradeId');
    into[15] = nullableId(c.lastTradeId, 'lastTradeId');
    into[16] = c.gapFree === true;
    into[17] = checkState(c.state);
    into[18] = toUInt(c.version, 'version');
  },
};

export function candleToRow(c: Candle): Record<string, unknown> {
  return {
    exchange: checkName(c.exchange, 'exchange'),
    symbol: checkName(c.symbol, 'symbol'),
    interval: checkInterval(c.interval),
    open_time: toTimeMs(c.openTimeMs, 'openTimeMs'),
    close_time: toTimeMs(c.closeTimeMs, 'closeTimeMs'),
    open: toColumnDecimal(c.open, PRICE_QTY, 'open'),
    high: toColumnDecimal(c.high, PRICE_QTY, 'high'),
    low: toColumnDecimal(c.low, PRICE_QTY, 'low'),
    close: toColumnDecimal(c.close, PRICE_QTY, 'close'),
    volume: toColumnDecimal(c.volume, PRICE_QTY, 'volume'),
    quote_volume: toColumnDecimal(c.quoteVolume, QUOTE_VOLUME, 'quoteVolume'),
    taker_buy_volume: toColumnDecimal(c.takerBuyVolume, PRICE_QTY, 'takerBuyVolume'),
    taker_buy_quote_volume: toColumnDecimal(c.takerBuyQuoteVolume, QUOTE_VOLUME, 'takerBuyQuoteVolume'),
    trade_count: toUInt(c.tradeCount, 'tradeCount'),
    first_trade_id: nullableId(c.firstTradeId, 'firstTradeId'),
    last_trade_id: nullableId(c.lastTradeId, 'lastTradeId'),
    gap_free: c.gapFree === true,
    state: checkState(c.state),
    version: toUInt(c.version, 'version'),
  };
}

/**
 * The candle as the store gives it back: decimals in their shortest spelling ("64250.00" →
 * "64250"). A copy kept outside the store (the API's candle cache) answers with the same text.
 * Throws INVALID_ARGUMENT for a value the store would refuse.
 */
export function storedCandle(c: Candle): Candle {
  return {
    ...c,
    open: toColumnDecimal(c.open, PRICE_QTY, 'open'),
    high: toColumnDecimal(c.high, PRICE_QTY, 'high'),
    low: toColumnDecimal(c.low, PRICE_QTY, 'low'),
    close: toColumnDecimal(c.close, PRICE_QTY, 'close'),
    volume: toColumnDecimal(c.volume, PRICE_QTY, 'volume'),
    quoteVolume: toColumnDecimal(c.quoteVolume, QUOTE_VOLUME, 'quoteVolume'),
    takerBuyVolume: toColumnDecimal(c.takerBuyVolume, PRICE_QTY, 'takerBuyVolume'),
    takerBuyQuoteVolume: toColumnDecimal(c.takerBuyQuoteVolume, QUOTE_VOLUME, 'takerBuyQuoteVolume'),
  };
}

/** The print as the store gives it back (shortest decimals, no empty source id); see storedCandle. */
export function storedTrade(t: Trade): Trade {
  // Field by field, not a rest and a spread: the API's trade cache runs this on every live print,
  // and the copies through a rest object were its largest allocation per print.
  const stored: Trade = {
    exchange: t.exchange, symbol: t.symbol, kind: t.kind,
    id: t.id, firstTradeId: t.firstTradeId, lastTradeId: t.lastTradeId,
    price: toColumnDecimal(t.price, PRICE_QTY, 'price'),
    qty: toColumnDecimal(t.qty, PRICE_QTY, 'qty'),
    isBuyerMaker: t.isBuyerMaker === true,
    market: t.market === true,
    exchangeTimeMs: t.exchangeTimeMs, eventTimeMs: t.eventTimeMs, receivedAtMs: t.receivedAtMs,
  };
  return t.sourceId ? { ...stored, sourceId: t.sourceId } : stored;
}

/**
 * Decimals are read through toString(): an exact, shortest spelling (no trailing zeros) whatever
 * the driver's output settings. Aliases differ from column names: in ClickHouse an alias would
 * shadow the column in WHERE and ORDER BY.
 */
export const TRADE_COLUMNS = `id, first_trade_id, last_trade_id,
  toString(price) AS price_text, toString(qty) AS qty_text, is_buyer_maker, market,
  toUnixTimestamp64Milli(exchange_time) AS exchange_time_ms,
  toUnixTimestamp64Milli(event_time) AS event_time_ms,
  toUnixTimestamp64Milli(received_at) AS received_at_ms, source_id`;

export interface TradeRow {
  readonly id: unknown;
  readonly first_trade_id: unknown;
  readonly last_trade_id: unknown;
  readonly price_text: string;
  readonly qty_text: string;
  readonly is_buyer_maker: boolean;
  readonly market: boolean;
  readonly exchange_time_ms: unknown;
  readonly event_time_ms: unknown;
  readonly received_at_ms: unknown;
  readonly source_id: string;
}

export function rowToTrade(stream: { exchange: string; symbol: string; kind: TradeKind }, r: TradeRow): Trade {
  return {
    exchange: stream.exchange,
    symbol: stream.symbol,
    kind: stream.kind,
    id: fromUInt64(r.id, 'id'),
    firstTradeId: fromUInt64(r.first_trade_id, 'first_trade_id'),
    lastTradeId: fromUInt64(r.last_trade_id, 'last_trade_id'),
    price: r.price_text,
    qty: r.qty_text,
    isBuyerMaker: r.is_buyer_maker,
    market: r.market,
    exchangeTimeMs: fromUInt64(r.exchange_time_ms, 'exchange_time_ms'),
    eventTimeMs: fromUInt64(r.event_time_ms, 'event_time_ms'),
    receivedAtMs: fromUInt64(r.received_at_ms, 'received_at_ms'),
    ...(r.source_id ? { sourceId: r.source_id } : {}),
  };
}

export const CANDLE_COLUMNS = `toUnixTimestamp64Milli(open_time) AS open_time_ms,
  toUnixTimestamp64Milli(close_time) AS close_time_ms,
  toString(open) AS open_text, toString(high) AS high_text, toString(low) AS low_text,
  toString(close) AS close_text, toString(volume) AS volume_text,
  toString(quote_volume) AS quote_volume_text, toString(taker_buy_volume) AS taker_buy_volume_text,
  toString(taker_buy_quote_volume) AS taker_buy_quote_volume_text,
  trade_count, first_trade_id, last_trade_id, gap_free, toString(state) AS state_text, version`;

/** The kline values of a row, as exact decimal texts, and its count. */
export interface KlineTextsRow {
  readonly open_text: string;
  readonly high_text: string;
  readonly low_text: string;
  readonly close_text: string;
  readonly volume_text: string;
  readonly quote_volume_text: string;
  readonly taker_buy_volume_text: string;
  readonly taker_buy_quote_volume_text: string;
  readonly trade_count: unknown;
}

export interface CandleRow extends KlineTextsRow {
  readonly open_time_ms: unknown;
  readonly close_time_ms: unknown;
  readonly first_trade_id: unknown;
  readonly last_trade_id: unknown;
  readonly gap_free: boolean;
  readonly state_text: string;
  readonly version: unknown;
}

export function rowToCandle(key: { exchange: string; symbol: string; interval: IntervalId }, r: CandleRow): Candle {
  return {
    exchange: key.exchange,
    symbol: key.symbol,
    interval: key.interval,
    openTimeMs: fromUInt64(r.open_time_ms, 'open_time_ms'),
    closeTimeMs: fromUInt64(r.close_time_ms, 'close_time_ms'),
    ...klineValues(r),
    firstTradeId: fromNullableUInt64(r.first_trade_id, 'first_trade_id'),
    lastTradeId: fromNullableUInt64(r.last_trade_id, 'last_trade_id'),
    gapFree: r.gap_free,
    state: r.state_text as CandleState,
    version: fromUInt64(r.version, 'version'),
  };
}

export function klineValues(r: KlineTextsRow): Omit<Kline, 'openTimeMs' | 'closeTimeMs'> {
  return {
    open: r.open_text,
    high: r.high_text,
    low: r.low_text,
    close: r.close_text,
    volume: r.volume_text,
    quoteVolume: r.quote_volume_text,
    takerBuyVolume: r.taker_buy_volume_text,
    takerBuyQuoteVolume: r.taker_buy_quote_volume_text,
    tradeCount: fromUInt64(r.trade_count, 'trade_count'),
  };
}
