import type { Trade } from '@exgate/domain';

/** Small, fast, seeded PRNG (mulberry32): the same trades on every machine and run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedTrades {
  readonly trades: Trade[];
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * 2024-03-30 (Sat) 12:00 UTC, for 2¾ days: the prints cross a 3d boundary (03-30 and 04-02 open
 * 3d klines), a Monday that is also a month's first day (1w and 1M roll), so every interval rolls.
 */
export const BENCH_START_MS = Date.UTC(2024, 2, 30, 12);
const SPAN_MS = 2.75 * 86_400_000;

/**
 * BTCUSDT-futures-like prints: bursts of fills at the same millisecond walking the book one tick at
 * a time (one taker order sweeping makers), quiet stretches between them, heavy-tailed sizes.
 * Prices are "63943.90"-style (scale 2, a few with 1 or 3 decimals), quantities "0.003"-style
 * (scale 3, a few with up to 8 decimals or none): the engine must cope with scales changing.
 * A few prints are insurance-fund fills (market = false), which count for nothing.
 * `spanMs`: how long they take (default 2¾ days). At the default, 1,000,000 prints are 4 a second,
 * so most 1s candles hold one print or none; BTCUSDT futures prints 50–200 a second.
 */
export function generateTrades(count: number, seed = 20240330, spanMs = SPAN_MS): GeneratedTrades {
  const random = prng(seed);
  const burstProbability = 0.55;
  const meanGapMs = spanMs / (count * (1 - burstProbability));
  const trades: Trade[] = new Array<Trade>(count);
  let timeMs = BENCH_START_MS;
  let tick = 630_000; // price in 0.1 steps
  let buyerMaker = false;
  let id = 5_182_005_737;
  for (let i = 0; i < count; i++) {
    if (random() >= burstProbability) {
      timeMs += Math.floor(-Math.log(1 - random()) * meanGapMs);
      buyerMaker = random() < 0.5;
      tick += Math.round((random() - 0.5) * 6);
    } else if (random() < 0.3) {
      tick += buyerMaker ? -1 : 1;
    }
    const market = random() > 0.0002;
    trades[i] = {
      exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', id, firstTradeId: id, lastTradeId: id,
      price: priceText(tick, random()), qty: qtyText(random(), random()), isBuyerMaker: buyerMaker, market,
      exchangeTimeMs: timeMs, eventTimeMs: timeMs, receivedAtMs: timeMs + 40,
    };
    id++;
  }
  return { trades, fromMs: BENCH_START_MS, toMs: timeMs };
}

function priceText(tick: number, r: number): string {
  const whole = Math.floor(tick / 10);
  const tenth = tick % 10;
  if (r < 0.01) return `${whole}.${tenth}`;
  if (r < 0.02) return `${whole}.${tenth}${Math.floor(r * 1000) % 10}5`;
  return `${whole}.${tenth}0`;
}

function qtyText(size: number, r: number): string {
  // Heavy tail: most fills are a few hundredths of a coin (mean ≈ 0.08), a few are whole coins.
  const base = -Math.log(1 - size) * 40;
  const thousandths = 1 + Math.floor(r > 0.98 ? base * 50 : base);
  const text = `${Math.floor(thousandths / 1000)}.${String(thousandths % 1000).padStart(3, '0')}`;
  if (r < 0.03) return `${text}${Math.floor(r * 1e7).toString().padStart(5, '0')}`;
  if (r < 0.04 && thousandths % 1000 === 0) return String(thousandths / 1000);
  return text;
}
