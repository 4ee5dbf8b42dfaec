import { buildCandles, type Kline } from '@exgate/domain';
import { requireExchange } from '../registry';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { expectSameKline, matchKlineSnapshots, tradesOf as tradesThrough } from '../testing/binance-parity';

/**
 * Parity with Binance's own spot candles on recorded real data (shared/fixtures/binance, see its
 * README), through binance-spot as the registry builds it.
 */
const spot = requireExchange('binance').create({ clock: systemClock, logger: silentLogger() });
const tradesOf = (lines: readonly string[]) => tradesThrough(spot.parseFrame, lines);

describe('Binance spot trade stream → 1m OHLCV', () => {
  const trades = tradesOf(fixtureLines('binance', 'spot-trades-2023-04-05', 'btcusdt-trade-stream.jsonl'));
  const bars = fixtureLines('binance', 'spot-trades-2023-04-05', 'btcusdt-ohlcv-1m.csv').slice(1).map((row) => {
    const [timestamp, open, high, low, close, volume] = row.split(',');
    return { openTimeMs: Date.parse(`${timestamp!.replace(' ', 'T')}Z`), open, high, low, close, volume } as Partial<Kline>;
  });
  const candles = buildCandles(trades, '1m');
  const wholeMinutes = candles.filter((c) => c.gapFree && c.state === 'closed');

  it('equals the published bars on OHLCV for every minute the capture covers whole', () => {
    expect(wholeMinutes.map((c) => new Date(c.openTimeMs).toISOString().slice(11, 16)))
      .toEqual(['00:00', '00:01', '00:02', '00:03', '00:04', '00:05']);
    for (const ours of wholeMinutes) {
      const theirs = bars.find((b) => b.openTimeMs === ours.openTimeMs);
      expect(theirs).toBeDefined();
      expectSameKline(ours, theirs!, new Date(ours.openTimeMs).toISOString());
    }
  });

  it('keeps spot’s 8-decimal wire format', () => {
    const c = wholeMinutes[0]!;
    expect(c.open).toMatch(/^\d+\.\d{8}$/);
    expect(c.volume).toMatch(/^\d+\.\d{8}$/);
    expect(c.quoteVolume).toMatch(/^\d+\.\d{8}$/);
  });
});

describe('Binance spot kline_1m snapshots vs our forming candle after the same aggTrades', () => {
  // 30 = 4 + 1 + 24 + 1 (the first snapshot precedes the capture's first aggTrade).
  it('matches every snapshot the capture can explain', () => {
    const trades = tradesOf(fixtureLines('binance', 'ws-captures-2026', 'spot_aggTrade.jsonl'));
    expect(matchKlineSnapshots('spot', trades, fixtureLines('binance', 'ws-captures-2026', 'spot_kline_1m.jsonl')))
      .toEqual({ whole: 4, partial: 24, unmatched: 1 });
  });

  it('labels every print binance-spot, and every spot print counts', () => {
    const trades = tradesOf(fixtureLines('binance', 'spot-trades-2023-04-05', 'btcusdt-trade-stream.jsonl'));
    expect(new Set(trades.map((t) => t.exchange))).toEqual(new Set(['binance-spot']));
    expect(trades.every((t) => t.market && t.kind === 'trade')).toBe(true);
  });
});
