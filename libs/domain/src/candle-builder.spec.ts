import fc from 'fast-check';
import { CandleBuilder } from './candle-builder';
import { normalizeDecimal } from './carry';
import { print, T0 } from './testing/trades';

const meta = { exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m' } as const;

function built(trades: Parameters<CandleBuilder['addTrade']>[0][]) {
  const b = new CandleBuilder();
  b.reset(T0, T0 + 59_999);
  for (const t of trades) b.addTrade(t);
  return b.toCandle(meta, 'forming', 0, true, null);
}

describe('CandleBuilder', () => {
  it('takes open/close from the first/last id, extremes, exact sums and the taker-buy side', () => {
    const c = built([
      print({ id: 1, atMs: T0 + 1, price: '63943.90', qty: '0.003', sell: true }),
      print({ id: 2, atMs: T0 + 2, price: '63950.00', qty: '0.017' }),
      print({ id: 3, atMs: T0 + 3, price: '63940.10', qty: '1.200' }),
      print({ id: 4, atMs: T0 + 4, price: '63945.50', qty: '0.001', sell: true }),
    ]);
    expect(c).toMatchObject({
      open: '63943.90', high: '63950.00', low: '63940.10', close: '63945.50',
      volume: '1.221', quoteVolume: '78071.04720', tradeCount: 4,
      takerBuyVolume: '1.217', takerBuyQuoteVolume: '77815.27000',
      firstTradeId: 1, lastTradeId: 4,
    });
  });

  it('counts l − f + 1 per aggTrade', () => {
    const c = built([
      print({ id: 10, atMs: T0, price: '64650.00', qty: '0.492', fills: 3 }),
      print({ id: 11, atMs: T0 + 1, price: '64649.90', qty: '0.363', fills: 3, sell: true }),
      print({ id: 12, atMs: T0 + 2, price: '64649.90', qty: '0.089' }),
    ]);
    expect(c.tradeCount).toBe(7);
  });

  it('leaves insurance-fund prints out of everything but the id range', () => {
    const c = built([
      print({ id: 1, atMs: T0, price: '63943.90', qty: '0.003' }),
      print({ id: 2, atMs: T0 + 1, price: '60000.00', qty: '5.000', market: false }),
      print({ id: 3, atMs: T0 + 2, price: '63944.00', qty: '0.002' }),
    ]);
    expect(c).toMatchObject({ low: '63943.90', volume: '0.005', tradeCount: 2, firstTradeId: 1, lastTradeId: 3 });
  });

  it('is the same whatever the order the prints arrive in (property)', () => {
    const prints = fc.array(fc.record({
      price: fc.stringMatching(/^[1-9]\d{0,5}\.\d{1,8}$/),
      qty: fc.stringMatching(/^(0|[1-9]\d{0,3})\.\d{1,8}$/),
      sell: fc.boolean(),
      fills: fc.integer({ min: 1, max: 4 }),
      market: fc.boolean(),
    }), { minLength: 1, maxLength: 30 });
    fc.assert(fc.property(prints, fc.integer(), (specs, seed) => {
      const trades = specs.map((s, i) => print({ id: i + 1, atMs: T0 + i, ...s }));
      const shuffled = [...trades].sort((a, b) => ((a.id * 7919 + seed) % 101) - ((b.id * 7919 + seed) % 101));
      expect(built(shuffled)).toEqual(built(trades));
    }), { numRuns: 500 });
  });

  it('folds: merging builders of parts equals building the whole (property)', () => {
    const prints = fc.array(fc.record({
      price: fc.stringMatching(/^[1-9]\d{0,5}(\.\d{1,4})?$/),
      qty: fc.stringMatching(/^\d{1,3}\.\d{1,8}$/),
      sell: fc.boolean(),
      cut: fc.boolean(),
    }), { maxLength: 40 });
    fc.assert(fc.property(prints, (specs) => {
      const trades = specs.map((s, i) => print({ id: i + 1, atMs: T0 + i, price: s.price, qty: s.qty, sell: s.sell }));
      const whole = new CandleBuilder();
      whole.reset(T0, T0 + 59_999);
      const folded = new CandleBuilder();
      folded.reset(T0, T0 + 59_999);
      let part = new CandleBuilder();
      part.reset(T0, T0 + 59_999);
      trades.forEach((t, i) => {
        whole.addTrade(t);
        part.addTrade(t);
        if (specs[i]!.cut) {
          folded.merge(part);
          part = new CandleBuilder();
          part.reset(T0, T0 + 59_999);
        }
      });
      folded.merge(part);
      expect(folded.toCandle(meta, 'closed', 1, true, null)).toEqual(whole.toCandle(meta, 'closed', 1, true, null));
    }), { numRuns: 500 });
  });

  it('shows the previous close and zero volumes when empty', () => {
    const b = new CandleBuilder();
    b.reset(T0, T0 + 59_999);
    const carry = { price: '63940.1', priceScale: 2, qtyScale: 3, display: normalizeDecimal('63940.1', 2) };
    expect(b.toCandle(meta, 'closed', 1, true, carry)).toMatchObject({
      open: '63940.10', high: '63940.10', low: '63940.10', close: '63940.10',
      volume: '0.000', quoteVolume: '0.00000', takerBuyVolume: '0.000', takerBuyQuoteVolume: '0.00000',
      tradeCount: 0, firstTradeId: null, lastTradeId: null,
    });
  });

  it('shows prices with the finest scale seen and spot’s 8+8 quote volume trimmed to 8 decimals', () => {
    const c = built([
      print({ id: 1, atMs: T0, price: '28165.47000000', qty: '0.00056000' }),
      print({ id: 2, atMs: T0 + 1, price: '28165.48000000', qty: '0.00128000', sell: true }),
    ]);
    expect(c).toMatchObject({ open: '28165.47000000', close: '28165.48000000', volume: '0.00184000', quoteVolume: '51.82447760' });
    const mixed = built([
      print({ id: 1, atMs: T0, price: '63943.9', qty: '1' }),
      print({ id: 2, atMs: T0 + 1, price: '63943.915', qty: '0.5' }),
    ]);
    expect(mixed).toMatchObject({ open: '63943.900', close: '63943.915', volume: '1.5', quoteVolume: '95915.8575' });
    expect(built([print({ id: 1, atMs: T0, price: '063943.90', qty: '01.0' })])).toMatchObject({ open: '63943.90', volume: '1.0' });
  });
});
