import type { Candle, Trade } from '@exgate/domain';
import type { ExchangeInfo } from '@exgate/exchanges';
import { multiply } from '../common/decimal';

/** Pure mappings from exgate's candles and prints to Binance's REST and stream rows. */

export type KlineRow = [number, string, string, string, string, string, number, string, number, string, string, string];

/** Binance's 12-column kline; the last column is Binance's unused "ignore". */
export function klineRow(c: Candle): KlineRow {
  return [c.openTimeMs, c.open, c.high, c.low, c.close, c.volume, c.closeTimeMs, c.quoteVolume, c.tradeCount, c.takerBuyVolume, c.takerBuyQuoteVolume, '0'];
}

export interface AggTradeRow {
  readonly a: number;
  readonly p: string;
  readonly q: string;
  readonly f: number;
  readonly l: number;
  readonly T: number;
  readonly m: boolean;
  readonly M?: boolean;
}

/**
 * A print as an aggregate trade. From the aggTrade stream it is the exchange's own; a raw trade is
 * its own aggregate (a = f = l = its id): exact, though Binance would have merged same-price fills.
 */
export function aggTradeRow(t: Trade, spot: boolean): AggTradeRow {
  return { a: t.id, p: t.price, q: t.qty, f: t.firstTradeId, l: t.lastTradeId, T: t.exchangeTimeMs, m: t.isBuyerMaker, ...(spot ? { M: true } : {}) };
}

export interface TradeRow {
  readonly id: number;
  readonly price: string;
  readonly qty: string;
  readonly quoteQty: string;
  readonly time: number;
  readonly isBuyerMaker: boolean;
  readonly isBestMatch?: boolean;
}

export function tradeRow(t: Trade, spot: boolean): TradeRow {
  return {
    id: t.id, price: t.price, qty: t.qty, quoteQty: multiply(t.price, t.qty), time: t.exchangeTimeMs, isBuyerMaker: t.isBuyerMaker,
    ...(spot ? { isBestMatch: true } : {}),
  };
}

/** exgate does not know an exchange's filters: 8 decimals and wide bounds, documented as such. */
const STEP = '0.00000001';
const FILTERS = [
  { filterType: 'PRICE_FILTER', minPrice: STEP, maxPrice: '100000000', tickSize: STEP },
  { filterType: 'LOT_SIZE', minQty: STEP, maxQty: '100000000', stepSize: STEP },
  { filterType: 'MARKET_LOT_SIZE', minQty: STEP, maxQty: '100000000', stepSize: STEP },
];

function assets(exchange: ExchangeInfo, symbol: string): { baseAsset: string; quoteAsset: string } {
  const m = exchange.spelling.read(symbol);
  return m ? { baseAsset: m.base, quoteAsset: m.quote } : { baseAsset: symbol, quoteAsset: '' };
}

/** One `symbols[]` entry of a futures exchangeInfo: a perpetual that trades. */
export function futuresSymbolInfo(exchange: ExchangeInfo, symbol: string): Record<string, unknown> {
  const { baseAsset, quoteAsset } = assets(exchange, symbol);
  return {
    symbol, pair: symbol, contractType: 'PERPETUAL', deliveryDate: 4133404800000, onboardDate: 1569398400000, status: 'TRADING',
    maintMarginPercent: '2.5000', requiredMarginPercent: '5.0000', baseAsset, quoteAsset, marginAsset: quoteAsset,
    pricePrecision: 8, quantityPrecision: 8, baseAssetPrecision: 8, quotePrecision: 8, underlyingType: 'COIN', underlyingSubType: [],
    settlePlan: 0, triggerProtect: '0.0500', filters: FILTERS, orderTypes: ['LIMIT', 'MARKET'], timeInForce: ['GTC'],
  };
}

/** One `symbols[]` entry of a spot exchangeInfo. */
export function spotSymbolInfo(exchange: ExchangeInfo, symbol: string): Record<string, unknown> {
  const { baseAsset, quoteAsset } = assets(exchange, symbol);
  return {
    symbol, status: 'TRADING', baseAsset, baseAssetPrecision: 8, quoteAsset, quotePrecision: 8, quoteAssetPrecision: 8,
    baseCommissionPrecision: 8, quoteCommissionPrecision: 8, orderTypes: ['LIMIT', 'MARKET'], icebergAllowed: false, ocoAllowed: false,
    isSpotTradingAllowed: true, isMarginTradingAllowed: false, filters: FILTERS, permissions: ['SPOT'], permissionSets: [['SPOT']],
  };
}
