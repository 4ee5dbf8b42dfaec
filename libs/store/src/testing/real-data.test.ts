import type { Candle, Trade, TradeKind } from '@exgate/domain';
import { fixtureLines } from '@exgate/testing';

/** Recorded Binance frames as store input; mapping kept minimal on purpose (not the exchange mapper). */
interface TradeFrame {
  readonly data: {
    readonly e: 'trade' | 'aggTrade';
    readonly E: number;
    readonly T: number;
    readonly s: string;
    readonly t?: number;
    readonly a?: number;
    readonly f?: number;
    readonly l?: number;
    readonly p: string;
    readonly q: string;
    readonly m: boolean;
    readonly X?: string;
  };
}

export function recordedTrades(exchange: string, ...file: string[]): Trade[] {
  return fixtureLines(...file).map((line, index) => {
    const d = (JSON.parse(line) as TradeFrame).data;
    const kind: TradeKind = d.e;
    const id = (kind === 'trade' ? d.t : d.a) ?? 0;
    return {
      exchange,
      symbol: d.s,
      kind,
      id,
      firstTradeId: d.f ?? id,
      lastTradeId: d.l ?? id,
      price: d.p,
      qty: d.q,
      isBuyerMaker: d.m,
      market: (d.X ?? 'MARKET') === 'MARKET',
      exchangeTimeMs: d.T,
      eventTimeMs: d.E,
      receivedAtMs: d.E + 5 + (index % 7),
    };
  });
}

/** Binance's published USDⓈ-M 1m klines of the fixture window, as closed candles. */
export function publishedCandles(exchange: string): Candle[] {
  const [, ...rows] = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-klines-1m.csv');
  return rows.map((line) => {
    const [openTime, open, high, low, close, volume, closeTime, quoteVolume, count, takerBuy, takerBuyQuote] =
      line.split(',') as [string, string, string, string, string, string, string, string, string, string, string];
    return {
      exchange,
      symbol: 'BTCUSDT',
      interval: '1m',
      openTimeMs: Number.parseInt(openTime, 10),
      closeTimeMs: Number.parseInt(closeTime, 10),
      open,
      high,
      low,
      close,
      volume,
      quoteVolume,
      takerBuyVolume: takerBuy,
      takerBuyQuoteVolume: takerBuyQuote,
      tradeCount: Number.parseInt(count, 10),
      firstTradeId: null,
      lastTradeId: null,
      gapFree: true,
      state: 'closed',
      version: 1,
    };
  });
}

/** The shortest spelling the store returns: "63943.90" → "63943.9", "0.00056000" → "0.00056". */
export function shortest(decimal: string): string {
  const [integer = '0', fraction = ''] = decimal.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? integer : `${integer}.${trimmed}`;
}
