import { BINANCE_CANDLES } from '@exgate/domain';
import type { ExchangeInfo } from '@exgate/exchanges';
import { multiply, sum } from './decimal';
import { JsonDecimal, writeJson } from './json';
import { exchangeSymbol, marketOf, spell } from './symbols';
import { isoSeconds, parseIsoMs } from './time';

const exchange = (id: string, symbolPattern: RegExp): ExchangeInfo => ({
  id, aliases: [], displayName: id, intervals: ['1m'], tradeKind: 'trade', tradeKinds: ['trade'], symbolPattern,
  capabilities: { tradeIds: 'contiguous', backfill: 'by-id' }, candlePolicy: BINANCE_CANDLES,
  limits: { backfillPageSize: 1000, klinesPerCall: 1000, recentTradesPerCall: 1000 },
});
const USDM = exchange('binance-usdm', /^[A-Z0-9_]{2,32}$/);
const OKX = exchange('okx', /^[A-Z0-9]+-[A-Z0-9]+(-SWAP)?$/);
const INTX = exchange('coinbase-intx', /^[A-Z0-9]+-[A-Z0-9]+$/);
const perp = (upper: string) => { const m = /^([A-Z0-9]+)_([A-Z0-9]+)_PERP$/.exec(upper); return m ? { base: m[1]!, quote: m[2]!, contract: 'perp' as const } : undefined; };

describe('symbols across dialects', () => {
  it('spells one market the way each exchange writes it', () => {
    const m = { base: 'BTC', quote: 'USDC', contract: 'perp' } as const;
    expect([spell('binance-usdm', m), spell('okx', m), spell('coinbase-intx', m), spell('bybit', m)]).toEqual(['BTCUSDC', 'BTC-USDC-SWAP', 'BTC-PERP', 'BTCUSDC']);
    expect(spell('okx', { ...m, contract: 'spot' })).toBe('BTC-USDC');
  });

  it('reads exchange symbols back into markets, the longest quote first', () => {
    expect(marketOf('binance-usdm', 'BTCUSDT')).toEqual({ base: 'BTC', quote: 'USDT', contract: 'perp' });
    expect(marketOf('binance-spot', 'ETHFDUSD')).toEqual({ base: 'ETH', quote: 'FDUSD', contract: 'spot' });
    expect(marketOf('okx', 'BTC-USDT-SWAP')).toEqual({ base: 'BTC', quote: 'USDT', contract: 'perp' });
    expect(marketOf('coinbase-intx', 'SOL-PERP')).toEqual({ base: 'SOL', quote: 'USDC', contract: 'perp' });
    expect(marketOf('binance-usdm', 'USDT')).toBeUndefined();
    expect(marketOf('binance-usdm', 'WEIRDXYZ')).toBeUndefined();
  });

  it("maps a dialect's spelling, falls back to the exchange's own, refuses what fits neither", () => {
    expect(exchangeSymbol(USDM, 'btc_usdc_perp', perp)).toBe('BTCUSDC');
    expect(exchangeSymbol(OKX, 'BTC_USDT_PERP', perp)).toBe('BTC-USDT-SWAP');
    expect(exchangeSymbol(INTX, 'eth_usdc_perp', perp)).toBe('ETH-PERP');
    expect(exchangeSymbol(USDM, 'ethusdt', perp)).toBe('ETHUSDT');
    expect(exchangeSymbol(OKX, 'btc-usdt', perp)).toBe('BTC-USDT');
    expect(() => exchangeSymbol(OKX, 'BTCUSDT', perp)).toThrow('invalid symbol "BTCUSDT" for okx');
    expect(() => exchangeSymbol(USDM, 'A'.repeat(100), perp)).toThrow(/invalid symbol/);
  });
});

describe('exact JSON numbers and decimals', () => {
  it('writes a decimal as a JSON number with its own digits, never through a float', () => {
    const text = writeJson({ a: JsonDecimal.of('12345678901234567.89'), b: [JsonDecimal.of('0.1'), 'x', 3, null, true], c: undefined });
    expect(text).toBe('{"a":12345678901234567.89,"b":[0.1,"x",3,null,true]}');
    expect(JSON.stringify(JSON.parse(text))).not.toBe(text);
    expect(() => JsonDecimal.of('1e5')).toThrow();
    expect(() => JsonDecimal.of('.5')).toThrow();
    expect(() => JsonDecimal.of('01')).toThrow();
  });

  it('multiplies and sums exactly', () => {
    expect(multiply('63943.9', '0.003')).toBe('191.8317');
    expect(multiply('0.1', '0.2')).toBe('0.02');
    expect(multiply('99999999999999999999.999999999999999999', '2')).toBe('199999999999999999999.999999999999999998');
    expect(sum(['0.1', '0.2', '0.30'])).toBe('0.6');
    expect(sum([])).toBe('0');
  });
});

describe('ISO 8601 times', () => {
  it('reads zones, fractions and date-only forms as UTC, refusing impossible fields', () => {
    expect(parseIsoMs('2024-03-01T00:00:00Z')).toBe(Date.UTC(2024, 2, 1));
    expect(parseIsoMs('2024-03-01T08:00:00+08:00')).toBe(Date.UTC(2024, 2, 1));
    expect(parseIsoMs('2024-03-01T00:00:00.123456Z')).toBe(Date.UTC(2024, 2, 1) + 123);
    expect(parseIsoMs('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseIsoMs('2024-03-01T00:00:00')).toBe(Date.UTC(2024, 2, 1));
    for (const bad of ['2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-03-01T24:00:00Z', '2024-03-01T00:00:00+15:00', 'yesterday', '1709251200000', '']) {
      expect(parseIsoMs(bad)).toBeUndefined();
    }
    expect(isoSeconds(Date.UTC(2024, 3, 23))).toBe('2024-04-23T00:00:00Z');
    expect(isoSeconds(Date.UTC(2024, 3, 23) + 5)).toBe('2024-04-23T00:00:00.005Z');
  });
});
