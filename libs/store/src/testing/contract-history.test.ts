import fc from 'fast-check';
import {
  buildCandles, INTERVALS, intervalMs, openTimeMs,
  type Candle, type CandlePolicy, type IntervalId, type Trade,
} from '@exgate/domain';
import { QUOTE_VOLUME, toColumnDecimal } from '../decimal';
import type { HistoryQuery } from '../ports';
import type { ContractContext } from './contract.test';

/**
 * Computed candles (aggregated inside ClickHouse, stitched by HistoryStitcher) against the engine
 * (buildCandles) on the same prints: random streams with random precisions, same-millisecond
 * prints, id holes, non-market prints, every interval, time zones, windows and limits. Streams
 * have ids that follow time (every exchange exgate collects), the stated precondition.
 */

const EXCHANGE = 'history-ex';
let streams = 0;

const decimalArb = (integerDigits: number, maxScale: number) =>
  fc.tuple(fc.stringMatching(new RegExp(`^[1-9]\\d{0,${integerDigits - 1}}$`)), fc.stringMatching(new RegExp(`^\\d{0,${maxScale}}$`)))
    .map(([whole, fraction]) => (fraction === '' ? whole : `${whole}.${fraction}`));

const priceArb = fc.oneof(
  { weight: 6, arbitrary: decimalArb(5, 3) },
  { weight: 2, arbitrary: decimalArb(2, 8) },
  { weight: 1, arbitrary: decimalArb(14, 18) },
);
const qtyArb = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^0\.\d{1,4}$/).filter((q) => !/^0\.0*$/.test(q)) },
  { weight: 2, arbitrary: decimalArb(4, 8) },
  { weight: 1, arbitrary: decimalArb(6, 18) },
);

const stepArb = fc.record({
  /** Time since the previous print: none (same ms), a little, or up to a few buckets. */
  gap: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.double({ min: 0, max: 0.4, noNaN: true }) },
    { weight: 2, arbitrary: fc.double({ min: 0.4, max: 3.5, noNaN: true }) },
  ),
  /** Ids missing before this print (never stored: a hole). */
  lost: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  price: priceArb,
  qty: qtyArb,
  sell: fc.boolean(),
  fills: fc.integer({ min: 1, max: 4 }),
  market: fc.oneof({ weight: 12, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

const streamArb = fc.record({
  steps: fc.array(stepArb, { minLength: 1, maxLength: 60 }),
  startMs: fc.integer({ min: Date.UTC(2017, 0, 1), max: Date.UTC(2030, 0, 1) }),
  firstId: fc.integer({ min: 1, max: 5_000_000_000 }),
  aggTrades: fc.boolean(),
  interval: fc.constantFrom(...INTERVALS),
  /** Every offset Binance accepts is a whole number of quarter hours in [-12:00, +14:00]. */
  tzOffsetMs: fc.oneof(fc.constant(0), fc.integer({ min: -48, max: 56 }).map((q) => q * 900_000)),
  openAt: fc.constantFrom<CandlePolicy['openAt']>('first-print', 'previous-price'),
  /** Ids that go up by one (Binance), or only grow (holes mean nothing). */
  contiguousIds: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

type Stream = typeof streamArb extends fc.Arbitrary<infer T> ? T : never;

function tradesOf(s: Stream, symbol: string): Trade[] {
  const bucketMs = intervalMs(s.interval) ?? 31 * 86_400_000;
  let id = s.firstId - 1;
  let timeMs = s.startMs;
  return s.steps.map((step, i) => {
    id += 1 + step.lost;
    if (i > 0) timeMs += Math.floor(step.gap * bucketMs);
    const fills = s.aggTrades ? step.fills : 1;
    return {
      exchange: EXCHANGE, symbol, kind: s.aggTrades ? 'aggTrade' : 'trade', id,
      firstTradeId: id * 5, lastTradeId: id * 5 + fills - 1, price: step.price, qty: step.qty,
      isBuyerMaker: step.sell, market: step.market, exchangeTimeMs: timeMs, eventTimeMs: timeMs, receivedAtMs: timeMs + 3,
    };
  });
}

/** The engine's candles for the same prints and policy. */
function engine(
  trades: readonly Trade[], interval: IntervalId, policy: CandlePolicy, contiguousIds: boolean, coveredFromMs?: number,
): Candle[] {
  return buildCandles(trades, interval, {
    tzOffsetMs: policy.tzOffsetMs, openAt: policy.openAt, contiguousIds, ...(coveredFromMs === undefined ? {} : { coveredFromMs }),
  });
}

/**
 * What genkline promises for a window: the engine over the prints from its start on, cut to it,
 * complete from its start when the print before is the id just before (ids that only grow: when
 * there is a print before).
 */
function expectedWindow(trades: readonly Trade[], q: HistoryQuery): Candle[] {
  const fromMs = q.fromMs ?? 0;
  const rest = trades.filter((t) => t.exchangeTimeMs >= fromMs);
  const first = rest[0];
  if (!first) return [];
  const before = trades.filter((t) => t.exchangeTimeMs < fromMs).pop();
  const contiguous = before !== undefined && (q.contiguousIds ? before.id === first.id - 1 : true);
  const coveredFromMs = contiguous ? openTimeMs(q.interval, fromMs, q.policy.tzOffsetMs) : undefined;
  return engine(rest, q.interval, q.policy, q.contiguousIds, coveredFromMs)
    .filter((c) => c.openTimeMs >= fromMs && (q.toMs === undefined || c.openTimeMs <= q.toMs))
    .slice(0, q.limit ?? Number.POSITIVE_INFINITY);
}

const DECIMALS = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

/** Candles with decimals in one spelling (the engine keeps wire scales, ClickHouse the shortest). */
function comparable(candles: readonly Candle[]): Candle[] {
  return candles.map((c) => {
    const out: Record<string, unknown> = { ...c };
    for (const f of DECIMALS) out[f] = toColumnDecimal(c[f], QUOTE_VOLUME, f);
    return out as unknown as Candle;
  });
}

async function collect(iterable: AsyncIterable<Candle>): Promise<Candle[]> {
  const out: Candle[] = [];
  for await (const c of iterable) out.push(c);
  return out;
}

export function historyContract(ctx: ContractContext, runs = 60): void {
  const store = () => ctx.store;

  it('computes the engine\'s candles for whole random streams and for random windows of them', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArb,
        // A window from near a print (its bucket's open, or a time around it) over a few buckets.
        fc.record({
          fromAt: fc.nat(), aligned: fc.boolean(), fromShift: fc.double({ min: -1.5, max: 1, noNaN: true }),
          buckets: fc.integer({ min: 0, max: 8 }), toShift: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        async (s, window, limit) => {
          const symbol = `S${++streams}`;
          const trades = tradesOf(s, symbol);
          await store().insertTrades(trades);
          const policy: CandlePolicy = { tzOffsetMs: s.tzOffsetMs, openAt: s.openAt };
          const base = { exchange: EXCHANGE, symbol, kind: trades[0]!.kind, interval: s.interval, policy, contiguousIds: s.contiguousIds };

          // aggtrade/scanner/kline: the whole stream.
          const whole = await collect(store().history({ ...base, pageBuckets: 7 }));
          expect(comparable(whole)).toEqual(comparable(engine(trades, s.interval, policy, s.contiguousIds)));

          // genkline: a window anywhere around the prints, aligned or not.
          const bucketMs = intervalMs(s.interval) ?? 31 * 86_400_000;
          const at = trades[window.fromAt % trades.length]!.exchangeTimeMs;
          const fromMs = window.aligned
            ? openTimeMs(s.interval, at, s.tzOffsetMs)
            : Math.max(0, Math.floor(at + window.fromShift * bucketMs));
          const toMs = fromMs + Math.floor((window.buckets + window.toShift) * bucketMs);
          const q: HistoryQuery = { ...base, fromMs, toMs, ...(limit === undefined ? {} : { limit }), pageBuckets: 5 };
          const windowed = await collect(store().history(q));
          expect(comparable(windowed)).toEqual(comparable(expectedWindow(trades, q)));
        },
      ),
      { numRuns: runs },
    );
  }, 180_000);

  const M = 60_000;
  const T = Date.UTC(2024, 6, 18, 10);
  const print = (symbol: string, id: number, atMs: number, price: string, more: Partial<Trade> = {}): Trade => ({
    exchange: EXCHANGE, symbol, kind: 'trade', id, firstTradeId: id, lastTradeId: id, price, qty: '1.5', isBuyerMaker: false,
    market: true, exchangeTimeMs: atMs, eventTimeMs: atMs, receivedAtMs: atMs + 1, ...more,
  });
  const brief = (c: Candle) => [
    new Date(c.openTimeMs).toISOString().slice(11, 16), c.open, c.high, c.low, c.close, c.volume, c.tradeCount,
    c.firstTradeId, c.lastTradeId, c.gapFree, c.state,
  ];
  const query = (symbol: string, more: Partial<HistoryQuery> = {}): HistoryQuery => ({
    exchange: EXCHANGE, symbol, kind: 'trade', interval: '1m', policy: { tzOffsetMs: 0, openAt: 'first-print' }, contiguousIds: true, ...more,
  });

  it('leaves out the quiet minutes of an id hole, and marks the candles that touch it', async () => {
    await store().insertTrades([
      print('HOLE', 10, T + 5_000, '100'), print('HOLE', 11, T + 70_000, '101'),
      print('HOLE', 14, T + 250_000, '99.5'), print('HOLE', 15, T + 251_000, '99', { market: false }),
      print('HOLE', 16, T + 400_000, '98'),
    ]);
    expect((await collect(store().history(query('HOLE')))).map(brief)).toEqual([
      ['10:00', '100', '100', '100', '100', '1.5', 1, 10, 10, false, 'closed'],
      ['10:01', '101', '101', '101', '101', '1.5', 1, 11, 11, false, 'closed'],
      ['10:04', '99.5', '99.5', '99.5', '99.5', '1.5', 1, 14, 15, false, 'closed'],
      ['10:05', '99.5', '99.5', '99.5', '99.5', '0', 0, null, null, true, 'closed'],
      ['10:06', '98', '98', '98', '98', '1.5', 1, 16, 16, true, 'forming'],
    ]);
  });

  it('ends a window before later prints: closed, quiet minutes filled only when no id is missing after', async () => {
    await store().insertTrades([
      print('AFTER', 1, T, '100'), print('AFTER', 2, T + 30_000, '102'), print('AFTER', 3, T + 300_000, '103'),
      print('GAPAFTER', 1, T, '100'), print('GAPAFTER', 2, T + 30_000, '102'), print('GAPAFTER', 4, T + 300_000, '103'),
    ]);
    const window = { fromMs: T, toMs: T + 2 * M };
    expect((await collect(store().history(query('AFTER', window)))).map(brief)).toEqual([
      ['10:00', '100', '102', '100', '102', '3', 2, 1, 2, false, 'closed'],
      ['10:01', '102', '102', '102', '102', '0', 0, null, null, true, 'closed'],
      ['10:02', '102', '102', '102', '102', '0', 0, null, null, true, 'closed'],
    ]);
    expect((await collect(store().history(query('GAPAFTER', window)))).map(brief)).toEqual([
      ['10:00', '100', '102', '100', '102', '3', 2, 1, 2, false, 'closed'],
    ]);
  });

  it('counts a window complete from its start only when the print before it is the id just before', async () => {
    await store().insertTrades([
      print('START', 1, T - 10_000, '100'), print('START', 2, T + 10_000, '101'),
      print('START', 4, T + 2 * M, '100'), print('START', 5, T + 2 * M + 1, '105'),
    ]);
    const first = (fromMs: number) => collect(store().history(query('START', { fromMs, toMs: fromMs, limit: 1 })));
    expect((await first(T)).map(brief)).toEqual([['10:00', '101', '101', '101', '101', '1.5', 1, 2, 2, false, 'closed']]);
    expect((await first(T + 2 * M)).map(brief)).toEqual([['10:02', '100', '105', '100', '105', '3', 2, 4, 5, false, 'forming']]);
    await store().insertTrades([print('START', 3, T + 20_000, '102')]);
    expect((await first(T)).map(brief)).toEqual([['10:00', '101', '102', '101', '102', '3', 2, 2, 3, true, 'closed']]);
    expect((await first(T + 2 * M)).map(brief)).toEqual([['10:02', '100', '105', '100', '105', '3', 2, 4, 5, true, 'forming']]);
  });

  it('opens at the previous price, high and low included, for a previous-price exchange (ViaBTC, HotBit)', async () => {
    await store().insertTrades([
      print('PREV', 1, T + 1_000, '100'), print('PREV', 2, T + 2_000, '104'),
      print('PREV', 3, T + M + 1_000, '101'), print('PREV', 4, T + M + 2_000, '102'),
      print('PREV', 5, T + 3 * M, '103', { market: false }), print('PREV', 6, T + 4 * M, '103'),
    ]);
    const candles = await collect(store().history(query('PREV', { policy: { tzOffsetMs: 0, openAt: 'previous-price' } })));
    expect(candles.map(brief)).toEqual([
      ['10:00', '100', '104', '100', '104', '3', 2, 1, 2, false, 'closed'],
      ['10:01', '104', '104', '101', '102', '3', 2, 3, 4, true, 'closed'],
      ['10:02', '102', '102', '102', '102', '0', 0, null, null, true, 'closed'],
      ['10:03', '102', '102', '102', '102', '0', 0, 5, 5, true, 'closed'],
      ['10:04', '102', '103', '102', '103', '1.5', 1, 6, 6, true, 'forming'],
    ]);
  });

  it('sums exactly at any scale: quote volumes in Decimal(76, 36), aggTrade counts as fills', async () => {
    await store().insertTrades([
      print('EXACT', 1, T, '99999999999999999999.999999999999999999', { qty: '0.000000000000000001', kind: 'aggTrade', lastTradeId: 4 }),
      print('EXACT', 2, T + 1, '0.000000000000000001', { qty: '99999999999999999999.999999999999999999', kind: 'aggTrade', isBuyerMaker: true }),
    ]);
    const [c] = await collect(store().history({ ...query('EXACT'), kind: 'aggTrade' }));
    expect(c).toMatchObject({
      open: '99999999999999999999.999999999999999999', close: '0.000000000000000001',
      volume: '100000000000000000000', tradeCount: 5,
      quoteVolume: '199.999999999999999999999999999999999998',
      takerBuyVolume: '0.000000000000000001', takerBuyQuoteVolume: '99.999999999999999999999999999999999999',
    });
  });

  it('lays days, weeks and months on the local clock of the offset', async () => {
    const day = Date.UTC(2024, 2, 31, 15, 59, 59, 999); // Sunday 23:59:59.999 at +08:00, the last of March there
    await store().insertTrades([print('TZ', 1, day, '1'), print('TZ', 2, day + 1, '2')]);
    const opens = async (interval: IntervalId) =>
      (await collect(store().history(query('TZ', { interval, policy: { tzOffsetMs: 8 * 3_600_000, openAt: 'first-print' } }))))
        .map((c) => [new Date(c.openTimeMs).toISOString(), c.close]);
    expect(await opens('1d')).toEqual([['2024-03-30T16:00:00.000Z', '1'], ['2024-03-31T16:00:00.000Z', '2']]);
    expect(await opens('1w')).toEqual([['2024-03-24T16:00:00.000Z', '1'], ['2024-03-31T16:00:00.000Z', '2']]);
    expect(await opens('1M')).toEqual([['2024-02-29T16:00:00.000Z', '1'], ['2024-03-31T16:00:00.000Z', '2']]);
    // Local 2024-03-30 is day 19812 = 3·6604 since the epoch: one 3d bucket holds both.
    expect(await opens('3d')).toEqual([['2024-03-29T16:00:00.000Z', '2']]);
  });
}
