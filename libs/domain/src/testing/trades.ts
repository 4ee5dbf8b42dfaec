import type { Trade } from '../trade';

/** A print for domain tests; times are relative to `baseMs` unless given absolutely. */
export interface PrintSpec {
  readonly id: number;
  readonly atMs: number;
  readonly price: string;
  readonly qty: string;
  /** Taker sold (buyer was maker). Default false: taker bought. */
  readonly sell?: boolean;
  /** aggTrade fills: last − first + 1. Default 1. */
  readonly fills?: number;
  readonly market?: boolean;
}

export function print(spec: PrintSpec): Trade {
  const fills = spec.fills ?? 1;
  return {
    exchange: 'binance-usdm',
    symbol: 'BTCUSDT',
    kind: fills > 1 ? 'aggTrade' : 'trade',
    id: spec.id,
    firstTradeId: spec.id * 1000,
    lastTradeId: spec.id * 1000 + fills - 1,
    price: spec.price,
    qty: spec.qty,
    isBuyerMaker: spec.sell ?? false,
    market: spec.market ?? true,
    exchangeTimeMs: spec.atMs,
    eventTimeMs: spec.atMs,
    receivedAtMs: spec.atMs + 5,
  };
}

/** 2024-07-18T23:57:00Z: the minute of the USDⓈ-M fixture. */
export const T0 = Date.UTC(2024, 6, 18, 23, 57);
