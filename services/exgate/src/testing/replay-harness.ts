import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import type { Candle, Trade } from '@exgate/domain';
import type { SimulatorControl } from '@exgate/exchanges/testing';
import { MetricsRegistry, silentLogger } from '@exgate/runtime';
import { eventually } from '@exgate/testing';
import { embeddedEnv, startEmbedded, type Embedded } from '../embedded';
import { startSimulatorHere } from '../replay/simulator-here';
import { coveredBinanceRows } from './binance-window';

/** A print as a 1m candle folds it. */
export interface FoldedPrint {
  readonly timeMs: number;
  readonly price: string;
  readonly qty: string;
  readonly takerBuy: boolean;
}

/** open, high, low, close, volume, quote volume, trade count, taker buy volume. */
export type CandleFields = readonly [string, string, string, string, string, string, number, string];

const spelled = (s: string): string => new Decimal(s).toString();

/** A stored candle's fields, decimals as Decimal spells them (the store keeps the shortest form). */
export function candleFields(c: Candle): CandleFields {
  return [spelled(c.open), spelled(c.high), spelled(c.low), spelled(c.close), spelled(c.volume), spelled(c.quoteVolume), c.tradeCount, spelled(c.takerBuyVolume)];
}

/** The same fields of a row of Binance's published 1m klines (CSV). */
export function binanceRowFields(row: string): CandleFields {
  const c = row.split(',');
  return [spelled(c[1]!), spelled(c[2]!), spelled(c[3]!), spelled(c[4]!), spelled(c[5]!), spelled(c[7]!), Number(c[8]), spelled(c[9]!)];
}

/** The fields the 1m candle opening at `openMs` must have: its prints folded by hand, in Decimal. */
export function recomputed(prints: readonly FoldedPrint[], openMs: number): CandleFields {
  const inside = prints.filter((p) => p.timeMs >= openMs && p.timeMs < openMs + 60_000);
  const prices = inside.map((p) => new Decimal(p.price));
  const sum = (list: readonly FoldedPrint[], f: (p: FoldedPrint) => Decimal) => list.reduce((s, p) => s.plus(f(p)), new Decimal(0)).toString();
  return [
    prices[0]!.toString(), Decimal.max(...prices).toString(), Decimal.min(...prices).toString(), prices[prices.length - 1]!.toString(),
    sum(inside, (p) => new Decimal(p.qty)), sum(inside, (p) => new Decimal(p.price).mul(p.qty)), inside.length,
    sum(inside.filter((p) => p.takerBuy), (p) => new Decimal(p.qty)),
  ];
}

/** The minutes (open times) the prints fall in, in order. */
export function minutesOf(prints: readonly FoldedPrint[]): number[] {
  return [...new Set(prints.map((p) => Math.floor(p.timeMs / 60_000) * 60_000))];
}

export interface ReplayHarness {
  /** The exgate this test started. */
  readonly exgate: Embedded;
  /** `npm start -- --replay FILE --exchange …` of `frames`, the simulator in this process (tests break its connections). */
  start(frames: readonly string[], speed: number | 'max', env?: Readonly<Record<string, string>>): Promise<Embedded>;
  /** An embedded exgate of this test's data folder with `env`, replaying nothing. */
  startWith(env: Readonly<Record<string, string>>): Promise<Embedded>;
  get(route: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** At least `count` stored prints of `symbol` (the collector flushed while waiting), in id order. */
  storedTrades(symbol: string, count: number, what: string, timeoutMs?: number): Promise<readonly Trade[]>;
  /** Every minute's 1m candle stored, all but the last closed. */
  minuteCandles(symbol: string, minutes: readonly number[], timeoutMs?: number): Promise<readonly Candle[]>;
}

/**
 * One embedded exgate per test, replaying frames of `exchange` into a fresh data folder that is
 * removed after the test (jest hooks registered here).
 */
export function useReplayHarness(exchange: string): ReplayHarness {
  let dataDir = '';
  let running: Embedded | undefined;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), `exgate-${exchange}-`));
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });
  const config = (env: Readonly<Record<string, string>>) =>
    embeddedEnv.parse({ EXGATE_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb', ...env });
  const started = (e: Embedded): Embedded => (running = e);
  const exgate = (): Embedded => {
    if (!running) throw new Error('no exgate started in this test');
    return running;
  };
  return {
    get exgate() {
      return exgate();
    },
    async start(frames, speed, env = {}) {
      const file = path.join(dataDir, `${exchange}.jsonl`);
      await writeFile(file, frames.join('\n'));
      return started(await startEmbedded({
        config: config(env), replay: { file, exchange, speed }, startReplaySimulator: startSimulatorHere, logger: silentLogger(), metrics: new MetricsRegistry(),
      }));
    },
    async startWith(env) {
      return started(await startEmbedded({ config: config(env), logger: silentLogger(), metrics: new MetricsRegistry() }));
    },
    async get(route) {
      const res = await fetch(`http://127.0.0.1:${exgate().port}${route}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    storedTrades(symbol, count, what, timeoutMs = 30_000) {
      return eventually(async () => {
        await exgate().collector.flush();
        const t = await exgate().store.trades({ exchange, symbol, kind: 'trade', limit: Math.max(count, 1) * 2, order: 'asc' });
        return t.length >= count && t;
      }, { what, timeoutMs, intervalMs: 100 });
    },
    minuteCandles(symbol, minutes, timeoutMs = 90_000) {
      const last = minutes[minutes.length - 1]!;
      return eventually(async () => {
        await exgate().collector.flush();
        const c = await exgate().store.candles({ exchange, symbol, interval: '1m', fromMs: minutes[0]!, toMs: last, limit: minutes.length + 10 });
        return c.length === minutes.length && c.filter((x) => x.openTimeMs < last).every((x) => x.state !== 'forming') && c;
      }, { what: `every minute of ${symbol} stored, all but the last closed`, timeoutMs, intervalMs: 250 });
    },
  };
}

/** A simulator whose prints a test can read (every exchange's). */
export type ReadableSimulator<P extends { readonly id: number }> = SimulatorControl & {
  timeline(symbol: string): readonly P[];
  printed(symbol: string): readonly P[];
};

/**
 * A dropped connection where ids cannot show the loss: once 4,000 prints have played, the
 * connections are cut and the next 300 prints reach nobody. Every minute that lost a print says
 * gap_free false; every other closed minute equals a recomputation from what the exchange
 * printed, and Binance's own kline where the capture covers the minute; the stored prints are
 * exactly those sent, once each.
 */
export async function expectLossMarked<P extends { readonly id: number }>(
  h: ReplayHarness, sim: ReadableSimulator<P>, symbol: string, fold: (p: P) => FoldedPrint, sourceIdOf: (p: P) => string,
): Promise<void> {
  await eventually(() => sim.printed(symbol).length > 4_000, { what: '4000 prints played', timeoutMs: 60_000, intervalMs: 20 });
  // The exchange keeps printing while nobody listens: the first 300 prints after the cut reach no one.
  sim.dropConnections();
  sim.skipNext(300, { symbol });
  await sim.drained();
  const timeline = sim.timeline(symbol);
  const sent = new Set(sim.sentIds(symbol, 'trade'));
  const lost = timeline.filter((p) => !sent.has(p.id)).map(fold);
  expect(lost.length).toBeGreaterThanOrEqual(300);
  const printed = timeline.map(fold);
  const candles = await h.minuteCandles(symbol, minutesOf(printed));

  const gappy = candles.filter((c) => !c.gapFree).map((c) => c.openTimeMs);
  // Never a candle silently called complete: every minute that lost a print says so.
  for (const m of minutesOf(lost)) expect(gappy).toContain(m);
  expect(gappy.length).toBeLessThan(candles.length);
  // Every other closed candle equals a recomputation from what the exchange printed…
  const clean = candles.filter((c) => c.gapFree && c.state !== 'forming');
  expect(clean.length).toBeGreaterThanOrEqual(candles.length - gappy.length - 1);
  for (const c of clean) expect(candleFields(c)).toEqual(recomputed(printed, c.openTimeMs));
  // …and, for the minutes the capture covers whole, Binance's own published kline of them.
  for (const row of coveredBinanceRows()) {
    const c = clean.find((x) => x.openTimeMs === Number(row.split(',')[0]));
    if (c) expect(candleFields(c)).toEqual(binanceRowFields(row));
  }
  // Nothing stored twice, nothing invented. The last minute may still be forming when its candle
  // is read, so its prints are awaited too.
  const expected = timeline.filter((p) => sent.has(p.id)).map(sourceIdOf);
  const stored = await h.storedTrades(symbol, expected.length, 'every sent print stored');
  expect(stored.map((t) => t.sourceId)).toEqual(expected);
}
