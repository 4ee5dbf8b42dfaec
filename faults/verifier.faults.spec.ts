import { buildCandles, type Candle, type Trade } from '@exgate/domain';
import { requireExchange } from '@exgate/exchanges';
import { silentLogger, systemClock } from '@exgate/runtime';
import { fixtureLines } from '@exgate/testing';
import { judgeCandles, judgeComplete, judgeLossyTrades, judgeTrades } from './harness/verify';

/** The judge of every fault run must itself catch what it is there to catch. */
const adapter = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });
const trades: Trade[] = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').slice(0, 3000).flatMap((line) => {
  const r = adapter.parseFrame(line, 1_800_000_000_000);
  return r.type === 'trades' ? [...r.trades] : [];
});
const ids = trades.map((t) => t.id);

describe('the fault-run verifier', () => {
  it('passes a store holding every printed id once', () => {
    expect(judgeTrades(ids, ids, ids.length)).toEqual({ trades: 3000, lost: 0, phantom: 0, duplicated: 0, problems: [] });
  });

  it('counts ids lost, ids returned twice, rows a merge could not collapse, and ids never printed', () => {
    const missing = [...ids.slice(0, 10), ...ids.slice(13)];
    expect(judgeTrades(ids, missing, missing.length)).toMatchObject({ lost: 3, problems: [`lost 3 ids, e.g. ${ids[10]}-${ids[12]}`] });
    expect(judgeTrades(ids, [...ids, ids[5]!], ids.length)).toMatchObject({ duplicated: 1 });
    expect(judgeTrades(ids, ids, ids.length + 2)).toMatchObject({ duplicated: 2 });
    expect(judgeTrades(ids.slice(1), ids, ids.length)).toMatchObject({ phantom: 1, lost: 0 });
  });

  it('accepts candles equal to the recomputation, however their decimals are spelled', () => {
    const candles = buildCandles(trades, '1m');
    const respelled = candles.map((c): Candle => ({ ...c, open: `${c.open}0`, volume: c.volume.includes('.') ? `${c.volume}00` : `${c.volume}.0` }));
    expect(judgeCandles(candles, trades, '1m')).toEqual([]);
    expect(judgeCandles(respelled, trades, '1m')).toEqual([]);
  });

  it('names a candle off by the last digit, a candle missing, a candle extra, and a print left out', () => {
    const candles = buildCandles(trades, '1m');
    const [first, second, ...rest] = candles;
    const off = { ...second!, volume: second!.volume.replace(/\d$/, (d) => String((Number.parseInt(d, 10) + 1) % 10)) };
    expect(judgeCandles([first!, off, ...rest], trades, '1m')).toEqual([expect.stringMatching(new RegExp(`^${off.openTimeMs} .*volume ${off.volume} ≠ ${second!.volume}$`))]);
    expect(judgeCandles([first!, ...rest], trades, '1m')).toEqual([`${second!.openTimeMs}: missing (${second!.tradeCount} trades)`]);
    const extra = { ...first!, openTimeMs: first!.openTimeMs - 60_000, closeTimeMs: first!.openTimeMs - 1 };
    expect(judgeCandles([extra, ...candles], trades, '1m')).toEqual([expect.stringContaining('but not expected')]);
    const withoutOne = buildCandles(trades.filter((t) => t.id !== trades[1500]!.id), '1m');
    expect(judgeCandles(withoutOne, trades, '1m')).toEqual([expect.stringMatching(/count \d+ ≠ \d+/)]);
  });

  it('where ids cannot show a loss, excuses an empty minute left unpublished inside a marked loss, nowhere else', () => {
    // Three minutes of prints with the middle one emptied: the engine would publish it flat only if complete.
    const [m0, , m2] = buildCandles(trades, '1m').map((c) => c.openTimeMs);
    const kept = trades.filter((t) => t.exchangeTimeMs < m0! + 60_000 || t.exchangeTimeMs >= m2!);
    const lossy = { contiguousIds: false };
    const built = buildCandles(kept, '1m', lossy).filter((c) => c.tradeCount > 0).map((c) => ({ ...c, gapFree: true }));
    const marked = built.map((c) => (c.openTimeMs === m0 || c.openTimeMs === m2 ? { ...c, gapFree: false } : c));
    expect(judgeCandles(marked, kept, '1m', lossy, { lossy: true })).toEqual([]);
    expect(judgeCandles(built, kept, '1m', lossy, { lossy: true })).toEqual([`${m0! + 60_000}: missing (0 trades)`]);
    expect(judgeCandles(marked, kept, '1m', lossy)).toEqual([`${m0! + 60_000}: missing (0 trades)`]);
  });

  describe('where ids cannot show a loss (prints numbered by exgate, the exchange id kept)', () => {
    const truth = trades.map((t, i) => ({ ...t, id: 1_700_000_000_000 + i, sourceId: `uuid-${t.id}` }));
    const candles = (ts: readonly Trade[], gapFree: (c: Candle) => boolean) =>
      buildCandles(ts, '1m', { contiguousIds: false }).map((c) => ({ ...c, gapFree: gapFree(c) }));

    it('excuses prints lost inside candles marked incomplete, and only those', () => {
      const lostMinute = Math.floor(truth[1500]!.exchangeTimeMs / 60_000) * 60_000;
      const stored = truth.filter((t) => Math.floor(t.exchangeTimeMs / 60_000) * 60_000 !== lostMinute);
      const marked = candles(stored, (c) => c.openTimeMs !== lostMinute);
      const lostCount = truth.length - stored.length;
      expect(judgeLossyTrades(truth, stored, stored.length, marked)).toMatchObject({ lost: 0, excused: lostCount, phantom: 0, duplicated: 0 });
      // The same loss under a candle that still says complete is a loss.
      const unmarked = candles(stored, () => true).concat([{ ...marked[0]!, openTimeMs: lostMinute, gapFree: true }]);
      expect(judgeLossyTrades(truth, stored, stored.length, unmarked)).toMatchObject({ lost: lostCount, excused: 0 });
    });

    it('counts prints stored twice or never printed, by the exchange id', () => {
      expect(judgeLossyTrades(truth, [...truth, truth[7]!], truth.length, [])).toMatchObject({ duplicated: 1 });
      expect(judgeLossyTrades(truth.slice(1), truth, truth.length, [])).toMatchObject({ phantom: 1 });
    });

    it('holds a candle called complete to the true prints', () => {
      const stored = truth.filter((_, i) => i !== 1500);
      const honest = candles(stored, (c) => c.openTimeMs !== Math.floor(truth[1500]!.exchangeTimeMs / 60_000) * 60_000);
      expect(judgeComplete(honest, truth, '1m', { contiguousIds: false })).toEqual([]);
      const lying = candles(stored, () => true);
      expect(judgeComplete(lying, truth, '1m', { contiguousIds: false })).toEqual([expect.stringMatching(/called complete but differs from the true prints: count/)]);
    });
  });
});
