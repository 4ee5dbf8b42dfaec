import { buildCandles, CandleAggregator, foldCandles, INTERVALS, type Candle, type Kline } from '@exgate/domain';
import { requireExchange } from '../registry';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { expectSameKline, KLINE_FIELDS, matchKlineSnapshots, tradesOf as tradesThrough } from '../testing/binance-parity';

/**
 * Parity with Binance's own USDⓈ-M candles on recorded real data (shared/fixtures/binance, see its
 * README), through this exchange as the registry builds it.
 */
const { parseFrame } = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });
const tradesOf = (lines: readonly string[]) => tradesThrough(parseFrame, lines);

describe('Binance USDⓈ-M trade stream → 1m candles', () => {
  const trades = tradesOf(fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl'));
  const published = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-klines-1m.csv').slice(1).map((row) => {
    const [openTime, open, high, low, close, volume, , quoteVolume, count, takerBuyVolume, takerBuyQuoteVolume] = row.split(',');
    return {
      openTimeMs: Number.parseInt(openTime!, 10), open, high, low, close, volume, quoteVolume,
      tradeCount: Number.parseInt(count!, 10), takerBuyVolume, takerBuyQuoteVolume,
    } as Kline;
  });
  const candles = buildCandles(trades, '1m');
  const firstMs = trades[0]!.exchangeTimeMs;
  const lastMs = trades[trades.length - 1]!.exchangeTimeMs;
  const wholeMinutes = published.filter((k) => k.openTimeMs > firstMs && k.openTimeMs + 59_999 < lastMs);

  it('covers whole minutes of the capture, and only those are gap-free', () => {
    expect(wholeMinutes.map((k) => new Date(k.openTimeMs).toISOString().slice(11, 16)))
      .toEqual(['23:58', '23:59', '00:00', '00:01', '00:02', '00:03', '00:04']);
    const gapFree = candles.filter((c) => c.gapFree && c.state === 'closed').map((c) => c.openTimeMs);
    expect(gapFree).toEqual(wholeMinutes.map((k) => k.openTimeMs));
  });

  it('equals Binance on all 9 fields, to the string, for every whole minute', () => {
    for (const theirs of wholeMinutes) {
      const ours = candles.find((c) => c.openTimeMs === theirs.openTimeMs)!;
      expectSameKline(ours, theirs, new Date(theirs.openTimeMs).toISOString());
      expect(KLINE_FIELDS.map((f) => ours[f])).toEqual(KLINE_FIELDS.map((f) => theirs[f]));
      expect(ours.closeTimeMs).toBe(theirs.openTimeMs + 59_999);
    }
  });
});

describe('Binance USDⓈ-M trade stream through the all-interval aggregator', () => {
  const trades = tradesOf(fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl'));
  const closed: Candle[] = [];
  const aggregator = new CandleAggregator({ exchange: 'binance-usdm', symbol: 'BTCUSDT', intervals: INTERVALS, onCandle: (c) => closed.push(c) });
  for (const t of trades) aggregator.ingest(t);
  const oneMinute = buildCandles(trades, '1m').filter((c) => c.state === 'closed');

  it('gives the same 1m candles as the one-interval build, and each is the fold of its 1s candles', () => {
    const ours = closed.filter((c) => c.interval === '1m');
    expect(ours).toEqual(oneMinute);
    const formingMinuteMs = aggregator.forming('1m')!.openTimeMs;
    const folded = foldCandles(closed.filter((c) => c.interval === '1s' && c.openTimeMs < formingMinuteMs), '1m');
    expect(folded.map(({ version: _v, ...c }) => c)).toEqual(ours.map(({ version: _v, ...c }) => c));
  });

  it('has coarser forming candles (5m … 1M) equal to the fold of the 1m candles so far', () => {
    for (const interval of ['5m', '15m', '1h', '1d', '1M'] as const) {
      const forming = aggregator.forming(interval)!;
      const parts = [...closed.filter((c) => c.interval === '1m' && c.openTimeMs >= forming.openTimeMs), aggregator.forming('1m')!];
      expect(foldCandles(parts, interval)).toEqual([forming]);
    }
  });
});


describe('Binance USDⓈ-M kline_1m snapshots vs our forming candle after the same aggTrades', () => {
  // 116 snapshots = 13 whole-minute + 1 baseline + 73 partial-minute + 29 inside an aggTrade.
  // Its aggTrades skip raw ids 7910555261 and 7910555381 (fills Binance leaves out of aggTrades);
  // the kline counts skip them too, so Σ(l − f + 1) over aggTrades is Binance's `n`.
  it('matches every snapshot the capture can explain', () => {
    const trades = tradesOf(fixtureLines('binance', 'ws-captures-2026', 'perp_aggTrade.jsonl'));
    expect(matchKlineSnapshots('perp', trades, fixtureLines('binance', 'ws-captures-2026', 'perp_kline_1m.jsonl')))
      .toEqual({ whole: 13, partial: 73, unmatched: 29 });
  });
});
