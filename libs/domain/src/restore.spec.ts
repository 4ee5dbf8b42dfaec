import type { Candle } from './candle';
import { INTERVALS } from './interval';
import { type Batch, StoredEngine, shortestCandle } from './testing/store';
import { print, T0 } from './testing/trades';

const S = 1_000;
const M = 60_000;
const options = (graceMs = 0, intervals: readonly (typeof INTERVALS)[number][] = ['1s', '1m', '5m']) =>
  ({ exchange: 'binance-usdm', symbol: 'BTCUSDT', intervals, graceMs });
const p = (id: number, atMs: number, price = '63940.10', qty = '0.010') => print({ id, atMs, price, qty });
const one = (...prints: ReturnType<typeof p>[]): Batch => ({ prints });
const canonical = (candles: readonly Candle[]) => candles.map(shortestCandle);

describe('CandleAggregator.restore', () => {
  it('gives a fresh engine when nothing was stored, or only prints (a crash before the first candle write)', () => {
    const empty = new StoredEngine(options()).restart();
    expect(empty.engine.formingAll()).toEqual([]);
    const torn = new StoredEngine(options());
    torn.apply(one(p(1, T0 + S)), false);
    const after = torn.restart();
    expect(after.engine.formingAll()).toEqual([]);
    expect(after.engine.ingest(p(1, T0 + S))).toBe('applied');
  });

  it('puts back every forming candle of every interval; a month-long 1M candle from about 31 daily ones, not the month of prints', () => {
    const run = new StoredEngine(options(M, INTERVALS.filter((i) => i !== '1s')));
    const startMs = Date.UTC(2024, 0, 29); // 40 days of a print every 10 minutes: into March
    for (let i = 0; i < 40 * 24 * 6; i++) run.apply(one(p(i + 1, startMs + i * 10 * M + 7 * S, `6${String(1000 + (i % 977)).padStart(4, '0')}.5`)));
    run.store.reads = 0;
    run.store.rowsRead = 0;
    const restored = run.restart();
    expect(canonical(restored.engine.formingAll())).toEqual(canonical(run.engine.formingAll()));
    expect(restored.engine.forming('1M')).toMatchObject({ openTimeMs: Date.UTC(2024, 2, 1), tradeCount: 8 * 24 * 6, lastTradeId: 5760 });
    expect(run.store.trades.size).toBe(5760);
    expect(run.store.reads).toBeLessThan(25);
    expect(run.store.rowsRead).toBeLessThan(100);
  });

  it('takes every print its candles counted as a duplicate, and counts prints stored past them (a torn write)', () => {
    const run = new StoredEngine(options());
    run.apply(one(p(1, T0 + S), p(2, T0 + 2 * S)));
    run.apply(one(p(3, T0 + 3 * S), p(4, T0 + 3 * S + 500)), false);
    const restored = run.restart();
    expect([1, 2].map((id) => restored.engine.ingest(p(id, T0 + id * S)))).toEqual(['duplicate', 'duplicate']);
    expect(restored.engine.ingest(p(3, T0 + 3 * S))).toBe('applied');
    expect(restored.engine.ingest(p(4, T0 + 3 * S + 500))).toBe('applied');
    expect(restored.engine.forming('1m')).toMatchObject({ tradeCount: 4, firstTradeId: 1, lastTradeId: 4 });
  });

  it('keeps closed candles correctable through the grace window: a late print republishes them as the next version', () => {
    const { once, restored } = twins(options(10 * S), [one(p(1, T0 + M - 2 * S), p(2, T0 + M + S, '63950.00'))], [one(p(3, T0 + M - S, '63999.90'))]);
    expect(restored.emitted.map((c) => [c.interval, c.openTimeMs - T0, c.version, c.state, c.tradeCount, c.close])).toEqual([
      ['1s', M - S, 2, 'corrected', 1, '63999.90'],
      ['1s', M, 2, 'corrected', 0, '63999.90'], // the empty second after it shows the new close
      ['1m', 0, 2, 'corrected', 2, '63999.90'],
    ]);
    expect(canonical(restored.emitted)).toEqual(canonical(once.emitted));
  });

  it('marks the same candles incomplete as an uninterrupted engine when the first print after a restart reveals lost ids', () => {
    const before = [one(p(1, T0 + S), p(2, T0 + 20 * S), p(3, T0 + 30 * S)), { prints: [], advanceToMs: T0 + 40 * S + 300 }];
    const { once, restored } = twins(options(M), before, [one(p(5, T0 + 41 * S))]);
    // The hole spans the last print's time to the new one: seconds 30…39 are republished
    // incomplete, the ones before stay complete, and the empty forming second 40 closes unpublished.
    expect(restored.emitted.filter((c) => c.interval === '1s').map((c) => [c.openTimeMs - T0, c.version, c.gapFree])).toEqual(
      Array.from({ length: 10 }, (_, i) => [(30 + i) * S, 2, false]),
    );
    expect(canonical(restored.emitted)).toEqual(canonical(once.emitted));
    expect(canonical(restored.engine.formingAll())).toEqual(canonical(once.engine.formingAll()));
  });

  it('closes a bucket that was incomplete before the restart as incomplete (the stream started inside it)', () => {
    const { once, restored } = twins(options(), [one(p(1, T0 + 30 * S))], [one(p(2, T0 + M + S))]);
    expect(restored.emitted.find((c) => c.interval === '1m')).toMatchObject({ openTimeMs: T0, gapFree: false, tradeCount: 1 });
    expect(restored.emitted.find((c) => c.interval === '1s' && c.openTimeMs === T0 + 31 * S)).toMatchObject({ gapFree: true, tradeCount: 0 });
    expect(canonical(restored.emitted)).toEqual(canonical(once.emitted));
  });

  it('may accept a late print the uninterrupted engine refuses when the grace window is not whole root buckets (ADR 0007)', () => {
    // 1.5 s of grace over 1 s buckets: the restored watermark (the forming second's open) lags the
    // true one (2.9 s), so second 0 (closed at 0.999 s, correctable until 2.499 s) still takes prints.
    const before = [one(p(1, T0 + 100)), { prints: [], advanceToMs: T0 + 2_900 }];
    const { once, restored } = twins(options(1_500), before, []);
    expect(once.engine.ingest(p(2, T0 + 500))).toBe('too_late');
    expect(restored.engine.ingest(p(2, T0 + 500))).toBe('corrected');
  });
});

/** The same batches to an engine that never stops, and to one that is restarted between `before` and `after`. */
function twins(opts: ReturnType<typeof options>, before: readonly Batch[], after: readonly Batch[]) {
  const once = new StoredEngine(opts);
  const first = new StoredEngine(opts);
  for (const b of before) {
    once.apply(b);
    first.apply(b);
  }
  once.emitted.length = 0;
  const restored = first.restart();
  for (const b of after) {
    once.apply(b);
    restored.apply(b);
  }
  return { once, restored };
}
