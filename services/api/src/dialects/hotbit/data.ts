import { intervalMs, openTimeMs, type IntervalId } from '@exgate/domain';
import type { ExchangeInfo } from '@exgate/exchanges';
import type { ApiDeps } from '../../deps';
import { MAX_DIALECT_CANDLES, badParam, notCollected, shown } from '../common/input';
import { exchangeSymbol } from '../common/symbols';
import { HOTBIT_INTERVALS, dealOf, klineRow, marketName, readMarket, statusInterval, statusOf, type Deal, type KlineRow, type Status } from './map';

/** The default HotBit dialect's exchange. */
export const HOTBIT_DEFAULT_EXCHANGE = 'hotbit';
/** ViaBTC's cap on deals per query. */
const MAX_DEALS = 1000;

export interface HotbitMarket {
  /** The exchange's spelling. */
  readonly symbol: string;
  /** HotBit's: BTCUSDT. */
  readonly name: string;
}

/** Integer arguments as HotBit sent them: JSON integers, or digits in a query string. */
export function integerArg(field: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw badParam(field, `${field} must be an integer in ${min}..${max}, got ${shown(String(value))}`);
  }
  return n;
}

/**
 * The market data both HotBit surfaces (REST p1 and the websocket) answer from: exgate's stored
 * candles and prints of one exchange, in HotBit's shapes.
 */
export class HotbitData {
  constructor(
    private readonly deps: ApiDeps,
    readonly exchange: ExchangeInfo,
  ) {}

  /** A market name as HotBit clients write it; invalid argument unless exgate collects it. */
  async market(raw: unknown): Promise<HotbitMarket> {
    if (typeof raw !== 'string' || raw === '') throw badParam('market', 'market is required');
    const symbol = exchangeSymbol(this.exchange, raw, readMarket);
    if (!(await this.deps.symbols.collected(this.exchange.id)).includes(symbol)) throw notCollected(this.exchange.id, symbol);
    return { symbol, name: marketName(this.exchange, symbol) };
  }

  async markets(): Promise<HotbitMarket[]> {
    return (await this.deps.symbols.collected(this.exchange.id)).map((symbol) => ({ symbol, name: marketName(this.exchange, symbol) }));
  }

  interval(raw: unknown): IntervalId {
    const seconds = integerArg('interval', raw, 1, 2_592_000);
    const interval = HOTBIT_INTERVALS.get(seconds);
    if (!interval || !this.exchange.intervals.includes(interval)) {
      const allowed = [...HOTBIT_INTERVALS].filter(([, i]) => this.exchange.intervals.includes(i)).map(([s]) => s).join(', ');
      throw badParam('interval', `interval ${seconds} is not one of ${allowed} (seconds)`);
    }
    return interval;
  }

  /** Candles opening in [startS, endS], ascending; at most 10,000. */
  async klines(m: HotbitMarket, startS: number, endS: number, interval: IntervalId): Promise<KlineRow[]> {
    if (startS > endS) throw badParam('start_time', 'start_time is after end_time');
    const fromMs = startS * 1000;
    const toMs = endS * 1000;
    const span = intervalMs(interval) ?? 28 * 86_400_000;
    if ((toMs - openTimeMs(interval, fromMs)) / span >= MAX_DIALECT_CANDLES) {
      throw badParam('end_time', `start_time..end_time holds more than ${MAX_DIALECT_CANDLES} candles of ${span / 1000} s`);
    }
    const candles = await this.deps.candles.stored({ exchange: this.exchange.id, symbol: m.symbol, interval, fromMs, toMs, limit: MAX_DIALECT_CANDLES, tzOffsetMs: 0 });
    return candles.map((c) => klineRow(c, m.name));
  }

  /** The newest `limit` deals with an id above `lastId`, newest first (ViaBTC's order). */
  async deals(m: HotbitMarket, limit: number, lastId: number, fractionalTime: boolean): Promise<Deal[]> {
    if (limit < 1 || limit > MAX_DEALS) throw badParam('limit', `limit must be 1..${MAX_DEALS}`);
    const trades = await this.deps.trades.recent(this.exchange.id, m.symbol, limit);
    return trades.filter((t) => t.id > lastId && t.market).reverse().map((t) => dealOf(t, fractionalTime));
  }

  /** The last price, "0" when exgate holds no print. */
  async last(m: HotbitMarket): Promise<string> {
    const [t] = await this.deps.trades.recent(this.exchange.id, m.symbol, 1);
    return t?.price ?? '0';
  }

  /** The last `periodS` seconds up to now, on the finest candles that fit (docs/adr/0010). */
  async status(m: HotbitMarket, periodS: number): Promise<Status> {
    const nowMs = this.deps.clock.nowMs();
    const interval = statusInterval(periodS, 1500);
    const fromMs = openTimeMs(interval, Math.max(0, nowMs - periodS * 1000));
    const [candles, last] = await Promise.all([
      this.deps.candles.stored({ exchange: this.exchange.id, symbol: m.symbol, interval, fromMs, toMs: nowMs, limit: 1500, tzOffsetMs: 0 }),
      this.last(m),
    ]);
    return statusOf(candles, last, periodS);
  }

  /** Today: the exchange's day candle holding now (HotBit's day starts at 00:00 Singapore time). */
  async today(m: HotbitMarket): Promise<Omit<Status, 'period' | 'close'>> {
    const nowMs = this.deps.clock.nowMs();
    const fromMs = openTimeMs('1d', nowMs);
    const [candles, last] = await Promise.all([
      this.deps.candles.stored({ exchange: this.exchange.id, symbol: m.symbol, interval: '1d', fromMs: fromMs - 86_400_000, toMs: nowMs, limit: 2, tzOffsetMs: 0 }),
      this.last(m),
    ]);
    const day = candles.filter((c) => c.openTimeMs <= nowMs && nowMs <= c.closeTimeMs);
    const { open, high, low, volume, deal } = statusOf(day, last, 86_400);
    return { open, last, high, low, volume, deal };
  }
}
