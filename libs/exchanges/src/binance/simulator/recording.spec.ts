import Decimal from 'decimal.js';
import fc from 'fast-check';
import { fixtureLines } from '@exgate/testing';
import { bucketOf, foldKlines, klinesFromCsv, klinesFromPrints } from './klines';
import { buildTimeline, parseRecorded, readLine, recordingsFromFrames, synthesizeAggTrades, type SimPrint } from './recording';

const DIR = 'usdm-trades-2024-07-18';
const tradeLines = fixtureLines('binance', DIR, 'btcusdt-trade-stream.jsonl');
const published = klinesFromCsv(fixtureLines('binance', DIR, 'btcusdt-klines-1m.csv'));
const trades = tradeLines.map((l) => parseRecorded('BTCUSDT', 'trade', l));
/** Minutes the capture covers whole (it starts 23:57:02 and ends 00:05:02). */
const wholeMinutes = published.filter((k) => k[0] >= 1721347080000 && k[6] <= 1721347499999);

describe('synthesizeAggTrades (Binance aggregation of same price, side and time)', () => {
  const aggs = synthesizeAggTrades(trades, 500);

  it('assigns contiguous aggregate ids whose f..l ranges tile every trade id', () => {
    expect(aggs.map((a) => a.id)).toEqual(aggs.map((_, i) => 500 + i));
    expect(aggs[0]!.firstTradeId).toBe(trades[0]!.id);
    expect(aggs[aggs.length - 1]!.lastTradeId).toBe(trades[trades.length - 1]!.id);
    for (let i = 1; i < aggs.length; i++) expect(aggs[i]!.firstTradeId).toBe(aggs[i - 1]!.lastTradeId + 1);
  });

  it('sums the quantities of the fills of one taker order at one price', () => {
    // Trades 5182005738 and 5182005739: same ms, price and side, 0.017 + 0.001.
    const agg = aggs.find((a) => a.firstTradeId === 5182005738)!;
    expect(agg).toMatchObject({ lastTradeId: 5182005739, price: '63943.90', qty: '0.018', tradeTimeMs: 1721347023018, isBuyerMaker: true });
    expect(JSON.parse(agg.combined)).toEqual({
      stream: 'btcusdt@aggTrade',
      data: { e: 'aggTrade', E: 1721347023019, a: agg.id, s: 'BTCUSDT', p: '63943.90', q: '0.018', f: 5182005738, l: 5182005739, T: 1721347023018, m: true },
    });
  });

  it("gives Binance's published count, volume and taker-buy volume for every whole minute", () => {
    for (const k of wholeMinutes) {
      const inMinute = aggs.filter((a) => a.tradeTimeMs >= k[0] && a.tradeTimeMs <= k[6]);
      const sum = (list: typeof aggs) => list.reduce((s, a) => s.plus(a.qty), new Decimal(0)).toFixed(3);
      expect([inMinute.reduce((n, a) => n + a.lastTradeId - a.firstTradeId + 1, 0), sum(inMinute), sum(inMinute.filter((a) => !a.isBuyerMaker))])
        .toEqual([k[8], k[5], k[9]]);
    }
  });

  it('leaves insurance-fund fills out and breaks the run at them', () => {
    const [a, b, c] = trades.slice(1, 4);
    const fund = { ...b!, market: false };
    const out = synthesizeAggTrades([a!, fund, c!], 1);
    expect(out.map((x) => [x.firstTradeId, x.lastTradeId])).toEqual([[a!.id, a!.id], [c!.id, c!.id]]);
  });

  it("gives a fill of its own the quantity Decimal's sum gives, however it is spelled", () => {
    const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
    const plain = fc.tuple(fc.constantFrom('', '0'), digits(1, 22), fc.option(digits(1, 22))).map(([pad, whole, fraction]) => `${pad}${whole}${fraction === null ? '' : `.${fraction}`}`);
    const odd = fc.constantFrom('0.049', '0.000', '0', '1.500', '.5', '5.', '1e-3', '12345678901234567890', '123456789012345678901', '0.0000000000000000001');
    const [one] = trades;
    fc.assert(fc.property(fc.oneof(plain, odd), (qty) => {
      const [agg] = synthesizeAggTrades([{ ...one!, qty }], 1);
      const scale = qty.includes('.') ? qty.length - qty.indexOf('.') - 1 : 0;
      expect(agg!.qty).toBe(new Decimal(0).plus(qty).toFixed(scale));
    }), { numRuns: 2000 });
  });
});

describe('readLine', () => {
  it('reads every line as JSON.parse does, key order included, and refuses what it refuses', () => {
    // Each field Binance's way (tagged true) most of the time, otherwise spelled oddly.
    const field = (binance: fc.Arbitrary<string>, odd: fc.Arbitrary<string>) =>
      fc.oneof({ weight: 5, arbitrary: binance.map((v) => [v, true] as const) }, { weight: 1, arbitrary: odd.map((v) => [v, false] as const) });
    const number = field(fc.integer({ min: 0, max: 999_999_999_999_999 }).map(String),
      fc.oneof(fc.constantFrom('1234567890123456', '-1', '1.5', '1e3', '00', '012'), fc.bigInt({ min: 0n, max: 10n ** 17n }).map(String)));
    const decimal = field(fc.tuple(fc.nat(99_999), fc.nat(99_999)).map(([a, b]) => `${a}.${b}`),
      fc.oneof(fc.constantFrom('', 'é', 'b\\"x', 'NaN', '1e-3'), fc.string({ maxLength: 8 })));
    const word = (binance: string) => field(fc.constant(binance), fc.oneof(fc.constantFrom('', 'btcusdt', 'a\\u0041', 'x y'), fc.string({ maxLength: 6 })));
    const flag = field(fc.constantFrom('true', 'false'), fc.constantFrom('1', 'null', '"true"'));
    const line = fc.record({ stream: field(fc.constantFrom('btcusdt@trade', 'ethusdt@trade'), fc.constantFrom('btcusdt@aggTrade', 'BTC@trade', '')),
      E: number, T: number, s: word('BTCUSDT'), t: number, p: decimal, q: decimal, X: word('MARKET'), m: flag })
      .map((f) => ({
        text: `{"stream":"${f.stream[0]}","data":{"e":"trade","E":${f.E[0]},"T":${f.T[0]},"s":"${f.s[0]}","t":${f.t[0]},"p":"${f.p[0]}","q":"${f.q[0]}","X":"${f.X[0]}","m":${f.m[0]}}}`,
        binance: Object.values(f).every((pair) => pair[1]),
      }));
    const edit = fc.constantFrom<(l: string) => string>((l) => l, (l) => l, (l) => ` ${l}`, (l) => `${l}\r`, (l) => l.replace(',"m":', ',"x":1,"m":'),
      (l) => l.replace('"e":"trade"', '"e":"aggTrade"'), (l) => l.replace(/"data":/, '"data": '), (l) => l.slice(0, -1));
    let binance = 0;
    fc.assert(fc.property(line, edit, ({ text, binance: spelled }, change) => {
      const edited = change(text);
      let expected: unknown;
      try {
        expected = JSON.parse(edited);
      } catch (e) {
        expect(() => readLine(edited)).toThrow((e as Error).constructor as ErrorConstructor);
        return;
      }
      const read = readLine(edited);
      expect(JSON.stringify(read)).toBe(JSON.stringify(expected));
      expect(read).toEqual(expected);
      if (spelled && edited === text) binance++;
    }), { numRuns: 3000 });
    // Lines in Binance's spelling were among them (the fast reading), not only the fallback.
    expect(binance).toBeGreaterThan(50);
  });
});

describe('the frames of a print', () => {
  it("are the recorded line on `/stream` and its event on `/ws`, and an aggTrade's are made from its fields", () => {
    const [wrappedLine, nextLine] = tradeLines;
    const event = (JSON.parse(nextLine!) as { data: Record<string, unknown> }).data;
    const bare = JSON.stringify(event);
    const [wrapped, unwrapped] = recordingsFromFrames([wrappedLine!, bare]).BTCUSDT!.trade! as SimPrint[];
    expect(wrapped!.combined).toBe(wrappedLine);
    expect(wrapped!.raw).toBe(JSON.stringify((JSON.parse(wrappedLine!) as { data: unknown }).data));
    expect(unwrapped!.raw).toBe(bare);
    expect(unwrapped!.combined).toBe(JSON.stringify({ stream: 'btcusdt@trade', data: event }));
    const [agg] = synthesizeAggTrades([unwrapped!], 9);
    expect(JSON.parse(agg!.raw)).toEqual({ e: 'aggTrade', E: event.E, a: 9, s: 'BTCUSDT', p: event.p, q: event.q, f: event.t, l: event.t, T: event.T, m: event.m });
    expect(agg!.combined).toBe(`{"stream":"btcusdt@aggTrade","data":${agg!.raw}}`);
  });
});

describe('buildTimeline', () => {
  it('puts each synthesised aggTrade right after its last fill, from lines or from prints read already', () => {
    const expected = ['trade:5182005737', 'aggTrade:1', 'trade:5182005738', 'trade:5182005739', 'aggTrade:2', 'trade:5182005740', 'aggTrade:3'];
    const timeline = buildTimeline('BTCUSDT', { trade: tradeLines.slice(0, 4) }, 1);
    expect(timeline.map((p) => `${p.kind}:${p.id}`)).toEqual(expected);
    const read = buildTimeline('BTCUSDT', recordingsFromFrames(tradeLines.slice(0, 4)).BTCUSDT!, 1);
    expect(read.map((p) => `${p.kind}:${p.id}`)).toEqual(expected);
    expect(read.map((p) => p.combined)).toEqual(timeline.map((p) => p.combined));
  });

  it('refuses a recording of another symbol or kind rather than serving wrong data', () => {
    expect(() => buildTimeline('ETHUSDT', { trade: tradeLines.slice(0, 1) }, 1)).toThrow(/BTCUSDT@trade/);
    const read = recordingsFromFrames(tradeLines.slice(0, 1)).BTCUSDT!.trade!;
    expect(() => buildTimeline('ETHUSDT', { trade: read }, 1)).toThrow(/recording of ETHUSDT@trade holds BTCUSDT@trade/);
    expect(() => buildTimeline('BTCUSDT', { aggTrade: read }, 1)).toThrow(/recording of BTCUSDT@aggTrade holds BTCUSDT@trade/);
  });
});

describe('recordingsFromFrames', () => {
  it('groups a capture by symbol and stream, leaving other streams out', () => {
    const eth = fixtureLines('binance', DIR, 'ethusdt-trade-stream.jsonl').slice(0, 2);
    const kline = fixtureLines('binance', 'ws-captures-2026', 'perp_kline_1m.jsonl')[0]!;
    const agg = fixtureLines('binance', 'ws-captures-2026', 'perp_aggTrade.jsonl')[0]!;
    const bare = JSON.stringify((JSON.parse(tradeLines[0]!) as { data: unknown }).data);
    const recordings = recordingsFromFrames([tradeLines[0]!, eth[0]!, kline, agg, eth[1]!, bare, '']);
    const raws = (prints: readonly (string | SimPrint)[] | undefined) => prints?.map((p) => (p as SimPrint).raw);
    const dataOf = (line: string) => JSON.stringify((JSON.parse(line) as { data: unknown }).data);
    expect(Object.keys(recordings).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect([raws(recordings.BTCUSDT!.trade), raws(recordings.BTCUSDT!.aggTrade), recordings.BTCUSDT!.klines1m])
      .toEqual([[dataOf(tradeLines[0]!), bare], [dataOf(agg)], undefined]);
    expect([raws(recordings.ETHUSDT!.trade), recordings.ETHUSDT!.aggTrade]).toEqual([eth.map(dataOf), undefined]);
  });
});

describe('simulator klines', () => {
  it("computes from the recorded trades exactly Binance's 1m klines, all 12 columns", () => {
    const computed = klinesFromPrints(trades);
    for (const k of wholeMinutes) expect(computed.find((c) => c[0] === k[0])).toEqual(k);
  });

  it('folds 1m rows into 5m rows with exact sums', () => {
    const [k] = foldKlines(published.filter((r) => r[0] >= 1721347200000 && r[0] < 1721347500000), '5m');
    expect(k).toEqual([
      1721347200000, '63960.00', '63999.10', '63834.50', '63889.10', '1015.405', 1721347499999,
      '64891604.51570', 9553, '390.113', '24933021.90520', '0',
    ]);
  });

  it('aligns weeks on Monday and months on the calendar', () => {
    expect(bucketOf('1w', Date.UTC(2024, 6, 18, 23, 57))).toEqual([Date.UTC(2024, 6, 15), Date.UTC(2024, 6, 22)]);
    expect(bucketOf('1M', Date.UTC(2024, 1, 29, 12))).toEqual([Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1)]);
    expect(bucketOf('1h', 1721347022956)).toEqual([1721343600000, 1721347200000]);
  });
});
