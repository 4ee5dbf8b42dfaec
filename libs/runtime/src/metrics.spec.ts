import { MetricsRegistry } from './metrics';

describe('counters', () => {
  it('a series taken with labels() counts into the same sample as inc() with those labels, in any key order', () => {
    const metrics = new MetricsRegistry();
    const trades = metrics.counter('exgate_test_trades_total', 'Prints');
    const btc = trades.labels({ symbol: 'BTCUSDT', exchange: 'binance-usdm' });
    btc.inc(3);
    btc.inc();
    trades.inc({ exchange: 'binance-usdm', symbol: 'BTCUSDT' }, 2);
    trades.labels({ exchange: 'okx', symbol: 'BTC-USDT' }).inc(5);
    expect(trades.get({ exchange: 'binance-usdm', symbol: 'BTCUSDT' })).toBe(6);
    expect(trades.get({ symbol: 'BTC-USDT', exchange: 'okx' })).toBe(5);
    expect(metrics.render().split('\n').filter((l) => l.startsWith('exgate_test_trades_total{'))).toEqual([
      'exgate_test_trades_total{exchange="binance-usdm",symbol="BTCUSDT"} 6',
      'exgate_test_trades_total{exchange="okx",symbol="BTC-USDT"} 5',
    ]);
  });

  it('escapes label values as the exposition format asks', () => {
    const metrics = new MetricsRegistry();
    metrics.counter('exgate_test_rejected_total', 'Rejections').labels({ reason: 'a "quoted"\\path\nnext' }).inc();
    expect(metrics.render()).toContain('exgate_test_rejected_total{reason="a \\"quoted\\"\\\\path\\nnext"} 1');
  });
});
