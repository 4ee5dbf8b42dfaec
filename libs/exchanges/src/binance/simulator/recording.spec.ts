import Decimal from 'decimal.js';
import { fixtureLines } from '@exgate/testing';
import { bucketOf, foldKlines, klinesFromCsv, klinesFromPrints } from './klines';
import { buildTimeline, parseRecorded, recordingsFromFrames, synthesizeAggTrades } from './recording';

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
});

describe('buildTimeline', () => {
  it('puts each synthesised aggTrade right after its last fill', () => {
    const timeline = buildTimeline('BTCUSDT', { trade: tradeLines.slice(0, 4) }, 1);
    expect(timeline.map((p) => `${p.kind}:${p.id}`)).toEqual([
      'trade:5182005737', 'aggTrade:1', 'trade:5182005738', 'trade:5182005739', 'aggTrade:2', 'trade:5182005740', 'aggTrade:3',
    ]);
  });

  it('refuses a recording of another symbol rather than serving wrong data', () => {
    expect(() => buildTimeline('ETHUSDT', { trade: tradeLines.slice(0, 1) }, 1)).toThrow(/BTCUSDT@trade/);
  });
});

describe('recordingsFromFrames', () => {
  it('groups a capture by symbol and stream, leaving other streams out', () => {
    const eth = fixtureLines('binance', DIR, 'ethusdt-trade-stream.jsonl').slice(0, 2);
    const kline = fixtureLines('binance', 'ws-captures-2026', 'perp_kline_1m.jsonl')[0]!;
    const agg = fixtureLines('binance', 'ws-captures-2026', 'perp_aggTrade.jsonl')[0]!;
    const bare = JSON.stringify((JSON.parse(tradeLines[0]!) as { data: unknown }).data);
    expect(recordingsFromFrames([tradeLines[0]!, eth[0]!, kline, agg, eth[1]!, bare, ''])).toEqual({
      BTCUSDT: { trade: [tradeLines[0], bare], aggTrade: [agg] },
      ETHUSDT: { trade: eth },
    });
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
