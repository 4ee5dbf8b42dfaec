import Decimal from 'decimal.js';
import { scaleOf } from '../../common/decimal';
import type { SimPrint } from './recording';

/** A REST kline row exactly as Binance sends it (numbers for times and count, strings otherwise). */
export type KlineRow = [number, string, string, string, string, string, number, string, number, string, string, string];

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const FIXED_MS: Readonly<Record<string, number>> = {
  '1m': MINUTE_MS, '3m': 3 * MINUTE_MS, '5m': 5 * MINUTE_MS, '15m': 15 * MINUTE_MS, '30m': 30 * MINUTE_MS,
  '1h': 60 * MINUTE_MS, '2h': 120 * MINUTE_MS, '4h': 240 * MINUTE_MS, '6h': 360 * MINUTE_MS,
  '8h': 480 * MINUTE_MS, '12h': 720 * MINUTE_MS, '1d': DAY_MS, '3d': 3 * DAY_MS,
};
/** 1970-01-05, the first Monday: Binance's weeks open on Monday 00:00 UTC. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

export function isSimInterval(interval: string): boolean {
  return interval in FIXED_MS || interval === '1w' || interval === '1M';
}

/** [open, next open) of the bucket holding `timeMs`. */
export function bucketOf(interval: string, timeMs: number): [number, number] {
  const fixed = FIXED_MS[interval];
  if (fixed !== undefined) {
    const open = Math.floor(timeMs / fixed) * fixed;
    return [open, open + fixed];
  }
  if (interval === '1w') {
    const open = Math.floor((timeMs - FIRST_MONDAY_MS) / (7 * DAY_MS)) * 7 * DAY_MS + FIRST_MONDAY_MS;
    return [open, open + 7 * DAY_MS];
  }
  const d = new Date(timeMs);
  return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
}

/** Binance's monthly-archive CSV (header optional) → REST rows, values untouched. */
export function klinesFromCsv(lines: readonly string[]): KlineRow[] {
  return lines
    .filter((l) => l.trim() !== '' && !l.startsWith('open_time'))
    .map((l) => {
      const c = l.trim().split(',');
      if (c.length < 11) throw new Error(`not a kline CSV row: ${l}`);
      return [Number.parseInt(c[0]!, 10), c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, Number.parseInt(c[6]!, 10), c[7]!,
        Number.parseInt(c[8]!, 10), c[9]!, c[10]!, c[11] ?? '0'];
    });
}

/**
 * 1m klines as the exchange would publish them from its market prints (exact decimals, Binance's
 * scales: price digits for prices, quantity digits for volumes, their sum for quote volumes). Minutes
 * without a print repeat the previous close with zero volume, as Binance does.
 */
export function klinesFromPrints(prints: readonly SimPrint[]): KlineRow[] {
  const market = prints.filter((p) => p.market);
  if (market.length === 0) return [];
  const priceScale = Math.max(...market.map((p) => scaleOf(p.price)));
  const qtyScale = Math.max(...market.map((p) => scaleOf(p.qty)));
  const rows: KlineRow[] = [];
  const firstOpen = bucketOf('1m', market[0]!.tradeTimeMs)[0];
  const lastOpen = bucketOf('1m', market[market.length - 1]!.tradeTimeMs)[0];
  let i = 0;
  let prevClose = new Decimal(market[0]!.price);
  for (let open = firstOpen; open <= lastOpen; open += MINUTE_MS) {
    let o = prevClose, h = prevClose, l = prevClose, c = prevClose;
    let v = new Decimal(0), q = new Decimal(0), bv = new Decimal(0), bq = new Decimal(0);
    let n = 0;
    for (; i < market.length && market[i]!.tradeTimeMs < open + MINUTE_MS; i++) {
      const p = market[i]!;
      const price = new Decimal(p.price);
      if (n === 0) o = h = l = price;
      if (price.gt(h)) h = price;
      if (price.lt(l)) l = price;
      c = price;
      v = v.plus(p.qty);
      q = q.plus(price.mul(p.qty));
      if (!p.isBuyerMaker) {
        bv = bv.plus(p.qty);
        bq = bq.plus(price.mul(p.qty));
      }
      n += p.lastTradeId - p.firstTradeId + 1;
    }
    prevClose = c;
    const px = (d: Decimal): string => d.toFixed(priceScale);
    const qx = (d: Decimal): string => d.toFixed(qtyScale);
    const quote = (d: Decimal): string => d.toFixed(priceScale + qtyScale);
    rows.push([open, px(o), px(h), px(l), px(c), qx(v), open + MINUTE_MS - 1, quote(q), n, qx(bv), quote(bq), '0']);
  }
  return rows;
}

/** Higher intervals are the fold of the 1m rows (exact decimals, formats kept). */
export function foldKlines(oneMinute: readonly KlineRow[], interval: string): KlineRow[] {
  if (interval === '1m') return [...oneMinute];
  const out: KlineRow[] = [];
  for (const row of oneMinute) {
    const [open, next] = bucketOf(interval, row[0]);
    const last = out[out.length - 1];
    if (!last || last[0] !== open) {
      out.push([open, row[1], row[2], row[3], row[4], row[5], next - 1, row[7], row[8], row[9], row[10], '0']);
      continue;
    }
    const sum = (a: string, b: string): string => new Decimal(a).plus(b).toFixed(Math.max(scaleOf(a), scaleOf(b)));
    if (new Decimal(row[2]).gt(last[2])) last[2] = row[2];
    if (new Decimal(row[3]).lt(last[3])) last[3] = row[3];
    last[4] = row[4];
    last[5] = sum(last[5], row[5]);
    last[7] = sum(last[7], row[7]);
    last[8] += row[8];
    last[9] = sum(last[9], row[9]);
    last[10] = sum(last[10], row[10]);
  }
  return out;
}
