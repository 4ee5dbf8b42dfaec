import { UTC_CANDLES } from '@exgate/domain';
import { concatenated, EXCHANGES, type ExchangeInfo, type SymbolSpelling } from '@exgate/exchanges';
import { multiply, sum } from './decimal';
import { JsonDecimal, writeJson } from './json';
import { exchangeSymbol } from './symbols';
import { isoSeconds, parseIsoMs } from './time';

// Test exchanges that write markets the way OKX and INTX do, whichever modules are registered.
const dashed: SymbolSpelling = {
  write: (m) => (m.contract === 'perp' ? `${m.base}-${m.quote}-SWAP` : `${m.base}-${m.quote}`),
  read: () => undefined,
};
const perpOnly: SymbolSpelling = { write: (m) => `${m.base}-PERP`, read: () => undefined };
const exchange = (id: string, symbolPattern: RegExp, spelling: SymbolSpelling): ExchangeInfo => ({
  id, aliases: [], displayName: id, intervals: ['1m'], tradeKind: 'trade', tradeKinds: ['trade'], symbolPattern, spelling,
  capabilities: { tradeIds: 'contiguous', backfill: 'by-id' }, candlePolicy: UTC_CANDLES,
  limits: { backfillPageSize: 1000, klinesPerCall: 1000, recentTradesPerCall: 1000 },
});
const USDM = exchange('binance-usdm', /^[A-Z0-9_]{2,32}$/, concatenated('perp'));
const OKX = exchange('dashed', /^[A-Z0-9]+-[A-Z0-9]+(-SWAP)?$/, dashed);
const INTX = exchange('perps', /^[A-Z0-9]+-[A-Z0-9]+$/, perpOnly);
const perp = (upper: string) => { const m = /^([A-Z0-9]+)_([A-Z0-9]+)_PERP$/.exec(upper); return m ? { base: m[1]!, quote: m[2]!, contract: 'perp' as const } : undefined; };
const spellingOf = (id: string) => EXCHANGES.find((e) => e.info.id === id)!.info.spelling;

describe('symbols across dialects', () => {
  it('each registered exchange reads back what it writes', () => {
    const m = { base: 'BTC', quote: 'USDC', contract: 'perp' } as const;
    for (const { info } of EXCHANGES) {
      for (const market of [m, { ...m, contract: 'spot' } as const]) {
        const written = info.spelling.write(market);
        const read = info.spelling.read(written);
        if (read) expect(info.spelling.write(read)).toBe(written);
      }
    }
    expect([spellingOf('binance-usdm').write(m), spellingOf('bybit').write(m), spellingOf('bybit').write({ ...m, contract: 'spot' })]).toEqual(['BTCUSDC', 'BTCUSDC', 'BTCUSDC-SPOT']);
  });

  it('reads exchange symbols back into markets, the longest quote first', () => {
    expect(spellingOf('binance-usdm').read('BTCUSDT')).toEqual({ base: 'BTC', quote: 'USDT', contract: 'perp' });
    expect(spellingOf('binance-spot').read('ETHFDUSD')).toEqual({ base: 'ETH', quote: 'FDUSD', contract: 'spot' });
    expect(spellingOf('bybit').read('ETHUSDT-SPOT')).toEqual({ base: 'ETH', quote: 'USDT', contract: 'spot' });
    expect(spellingOf('bybit').read('ETHUSDT')).toEqual({ base: 'ETH', quote: 'USDT', contract: 'perp' });
    expect(spellingOf('binance-usdm').read('USDT')).toBeUndefined();
    expect(spellingOf('binance-usdm').read('WEIRDXYZ')).toBeUndefined();
  });

  it("maps a dialect's spelling, falls back to the exchange's own, refuses what fits neither", () => {
    expect(exchangeSymbol(USDM, 'btc_usdc_perp', perp)).toBe('BTCUSDC');
    expect(exchangeSymbol(OKX, 'BTC_USDT_PERP', perp)).toBe('BTC-USDT-SWAP');
    expect(exchangeSymbol(INTX, 'eth_usdc_perp', perp)).toBe('ETH-PERP');
    expect(exchangeSymbol(USDM, 'ethusdt', perp)).toBe('ETHUSDT');
    expect(exchangeSymbol(OKX, 'btc-usdt', perp)).toBe('BTC-USDT');
    expect(() => exchangeSymbol(OKX, 'BTCUSDT', perp)).toThrow('invalid symbol "BTCUSDT" for dashed');
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
