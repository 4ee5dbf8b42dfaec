import Decimal from 'decimal.js';
import type { CandlePolicy } from '@exgate/domain';
import { scaleOf } from '../../common/decimal';
import type { HotbitKlineRow } from '../schemas';
import type { SimDeal } from './recording';

/** A bucket as ViaBTC keeps it (marketprice/mp_kline.h), with the scales mpdecimal would keep. */
interface KlineInfo {
  open: string;
  close: string;
  high: string;
  low: string;
  volume: Decimal;
  volumeScale: number;
  deal: Decimal;
  dealScale: number;
}

type Level = 'sec' | 'min' | 'hour' | 'day';
const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;
const MONTH_S = 30 * DAY_S;

/**
 * ViaBTC's `market.kline` over a market's deals, written after marketprice/mp_message.c: deals
 * land in second, minute, hour and local-day buckets; a query merges those into its interval,
 * aligned as ViaBTC aligns it (minutes on the epoch, hours from the local day start, days from
 * local midnight, weeks from local Monday, calendar months), shows an empty bucket flat at the
 * previous close, and nothing before the first deal. A new bucket opens at `policy.openAt`: the
 * deal's own price (what the ViaBTC source does, `kline_info_new(price)`) or the previous deal's
 * price (what ../shared/exchanges.md §1.4 reads, and exgate's HotBit policy).
 */
export class ViabtcKlines {
  private readonly levels: Record<Level, Map<number, KlineInfo>> = { sec: new Map(), min: new Map(), hour: new Map(), day: new Map() };
  private last: string | null = null;
  private readonly tzS: number;

  constructor(private readonly market: string, private readonly policy: CandlePolicy) {
    this.tzS = policy.tzOffsetMs / 1000;
  }

  /** market_update: one deal into every level. */
  add(d: SimDeal): void {
    const sec = Math.floor(d.micros / 1_000_000);
    const keys: Record<Level, number> = { sec, min: floorTo(sec, 60), hour: floorTo(sec, 3600), day: this.dayStart(sec) };
    const open = this.policy.openAt === 'previous-price' && this.last !== null ? this.last : d.price;
    for (const level of ['sec', 'min', 'hour', 'day'] as const) {
      let info = this.levels[level].get(keys[level]);
      if (!info) this.levels[level].set(keys[level], (info = fresh(open)));
      update(info, d.price, d.amount);
    }
    this.last = d.price;
  }

  /** on_cmd_market_kline: null for an interval ViaBTC refuses (invalid argument). */
  query(startS: number, endS: number, interval: number): HotbitKlineRow[] | null {
    if (!Number.isInteger(interval) || interval <= 0) return null;
    // ViaBTC serves second, minute and hour bars for 7 d, 1 y and 10 y back from now (mp_config.c);
    // counted here back from end_time, as recorded deals are older than now.
    const from = (keptS: number): number => Math.max(startS, endS - keptS);
    startS = interval < 60 ? from(7 * DAY_S) : interval < 3600 ? from(365 * DAY_S) : interval < DAY_S ? from(3650 * DAY_S) : startS;
    if (interval < 60) return 60 % interval === 0 ? this.merge('sec', floorTo(startS, interval), endS, interval, 1) : null;
    if (interval < 3600) return interval % 60 === 0 && 3600 % interval === 0 ? this.merge('min', floorTo(startS, interval), endS, interval, 60) : null;
    if (interval < DAY_S) {
      if (interval % 3600 !== 0 || DAY_S % interval !== 0) return null;
      return this.merge('hour', stepUp(this.dayStart(startS), startS, interval), endS, interval, 3600);
    }
    if (interval < WEEK_S) return interval % DAY_S === 0 ? this.merge('day', floorTo(startS + this.tzS, interval) - this.tzS, endS, interval, DAY_S) : null;
    if (interval === WEEK_S) return this.merge('day', stepUp(floorTo(startS + this.tzS, WEEK_S) - 3 * DAY_S - this.tzS, startS, WEEK_S), endS, WEEK_S, DAY_S);
    if (interval === MONTH_S) return this.months(startS, endS);
    return null;
  }

  private merge(level: Level, startS: number, endS: number, interval: number, unit: number): HotbitKlineRow[] {
    const dict = this.levels[level];
    // ViaBTC looks back 30 days for the close before a day-based query, through retention otherwise.
    let before = this.lastBefore(dict, startS, level === 'day' ? startS - 30 * DAY_S : Number.NEGATIVE_INFINITY);
    const rows: HotbitKlineRow[] = [];
    for (let t = startS; t <= endS; t += interval) {
      const parts: KlineInfo[] = [];
      for (let k = t; k < t + interval; k += unit) {
        const item = dict.get(k);
        if (item) parts.push(item);
      }
      const info = this.combine(parts, before);
      if (!info) continue;
      rows.push(this.row(t, info));
      before = info;
    }
    return rows;
  }

  private months(startS: number, endS: number): HotbitKlineRow[] {
    const local = new Date((startS + this.tzS) * 1000);
    let year = local.getUTCFullYear();
    let month = local.getUTCMonth();
    const monthStart = (y: number, m: number): number => Date.UTC(y, m, 1) / 1000 - this.tzS;
    let t = monthStart(year, month);
    let before = this.lastBefore(this.levels.day, t, startS - 30 * DAY_S);
    const rows: HotbitKlineRow[] = [];
    while (t <= endS) {
      month += 1;
      if (month === 12) [year, month] = [year + 1, 0];
      const next = monthStart(year, month);
      const parts: KlineInfo[] = [];
      for (let k = t; k < next && k <= endS; k += DAY_S) {
        const item = this.levels.day.get(k);
        if (item) parts.push(item);
      }
      const info = this.combine(parts, before);
      if (info) {
        rows.push(this.row(t, info));
        before = info;
      }
      t = next;
    }
    return rows;
  }

  /** kline_info_new(first.open) merged with every part; flat at the previous close when empty. */
  private combine(parts: readonly KlineInfo[], before: KlineInfo | null): KlineInfo | null {
    const first = parts[0];
    if (!first) return before ? fresh(before.close) : null;
    const info = fresh(first.open);
    for (const p of parts) {
      info.close = p.close;
      info.volume = info.volume.plus(p.volume);
      info.volumeScale = Math.max(info.volumeScale, p.volumeScale);
      info.deal = info.deal.plus(p.deal);
      info.dealScale = Math.max(info.dealScale, p.dealScale);
      if (new Decimal(p.high).gt(info.high)) info.high = p.high;
      if (new Decimal(p.low).lt(info.low)) info.low = p.low;
    }
    return info;
  }

  private lastBefore(dict: ReadonlyMap<number, KlineInfo>, startS: number, notBeforeS: number): KlineInfo | null {
    let best: number | null = null;
    for (const k of dict.keys()) if (k < startS && k >= notBeforeS && (best === null || k > best)) best = k;
    return best === null ? null : dict.get(best)!;
  }

  private row(t: number, i: KlineInfo): HotbitKlineRow {
    return [t, i.open, i.close, i.high, i.low, i.volume.toFixed(i.volumeScale), i.deal.toFixed(i.dealScale), this.market];
  }

  /** get_day_start: local midnight, as UTC seconds. */
  private dayStart(sec: number): number {
    return floorTo(sec + this.tzS, DAY_S) - this.tzS;
  }
}

function fresh(price: string): KlineInfo {
  return { open: price, close: price, high: price, low: price, volume: new Decimal(0), volumeScale: 0, deal: new Decimal(0), dealScale: 0 };
}

/** kline_info_update, in exact decimals. */
function update(info: KlineInfo, price: string, amount: string): void {
  info.close = price;
  info.volume = info.volume.plus(amount);
  info.volumeScale = Math.max(info.volumeScale, scaleOf(amount));
  info.deal = info.deal.plus(new Decimal(price).mul(amount));
  info.dealScale = Math.max(info.dealScale, scaleOf(price) + scaleOf(amount));
  if (new Decimal(price).gt(info.high)) info.high = price;
  if (new Decimal(price).lt(info.low)) info.low = price;
}

function floorTo(value: number, step: number): number {
  return Math.floor(value / step) * step;
}

/** ViaBTC's `while (base + interval <= start) base += interval`. */
function stepUp(base: number, startS: number, interval: number): number {
  let b = base;
  while (b + interval <= startS) b += interval;
  return b;
}
