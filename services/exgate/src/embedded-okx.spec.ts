import { OkxSimulator, okxFramesFromBinance, type OkxSimPrint } from '@exgate/exchanges/testing';
import { eventually, fixtureLines } from '@exgate/testing';
import { coveredBinanceRows, tradeLines } from './testing/binance-window';
import { binanceRowFields, candleFields, minutesOf, recomputed, useReplayHarness, type FoldedPrint } from './testing/replay-harness';

jest.setTimeout(180_000);

const h = useReplayHarness('okx');
const folded = (p: OkxSimPrint): FoldedPrint => ({ timeMs: p.eventTimeMs, price: p.px, qty: p.sz, takerBuy: p.side === 'buy' });

/** cryptofeed's 2022 capture: the frames after their `<local ts>: ` prefix. */
const cryptofeed = () => fixtureLines('okx', 'cryptofeed-OKX.ws.1.0-2022-05-13-trades-only.txt')
  .filter((l) => /^\d+\.\d+: /.test(l)).map((l) => l.slice(l.indexOf(': ') + 2));

describe('npm start -- --replay FILE --exchange okx', () => {
  it('collects the real 2022 capture (69 BTC-USDT fills), OKX tradeIds kept, and serves them on the /v1 routes', async () => {
    const exgate = await h.start(cryptofeed(), 'max');
    // Futures and the inverse swap of the capture are not collected.
    expect([...exgate.simulator!.symbols]).toEqual(['BTC-USDT']);
    await exgate.simulator!.drained();
    const stored = await h.storedTrades('BTC-USDT', 69, '69 stored prints');
    expect(stored.map((t) => t.sourceId)).toEqual(Array.from({ length: 69 }, (_, i) => String(338476307 + i)));
    expect(stored[0]).toMatchObject({ price: '30236', qty: '0.0002', isBuyerMaker: false, exchangeTimeMs: 1652459224818 });
    const recent = await h.get('/v1/okx/recent/BTC-USDT?limit=3');
    expect(recent.status).toBe(200);
    expect((recent.body['trade'] as { id: string }[]).map((t) => t.id)).toEqual(stored.slice(-3).map((t) => t.sourceId));
    expect(await h.get('/v1/okx/aggtrade/pull/BTC-USDT/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    // Refused before any I/O: an inverse swap, and an interval OKX does not publish.
    expect(await h.get('/v1/okx/aggtrade/pull/BTC-USD-SWAP/1m')).toMatchObject({ status: 400, body: { code: 3 } });
    expect(await h.get('/v1/okx/kline/BTC-USDT/8h')).toMatchObject({ status: 400, body: { code: 3 } });
    // The proxy route asks the (simulated) exchange's own candles; a day is OKX's UTC+8 day.
    const minute = Math.floor(1652459224818 / 60_000) * 60_000;
    const proxied = await h.get(`/v1/okx/kline/BTC-USDT/1m?startTime=${minute}&limit=1`);
    expect(proxied).toMatchObject({ status: 200, body: { kline: [{ open_time: minute, open: '30236' }] } });
    const day = await h.get(`/v1/okx/kline/BTC-USDT/1d?startTime=${Date.UTC(2022, 4, 13)}&limit=1`);
    expect(day).toMatchObject({ status: 200, body: { kline: [{ open_time: Date.UTC(2022, 4, 13, 16), open: '30236' }] } });
  });

  it('a dropped connection: the hole is fetched by id (ids are contiguous), so every candle is exact and none is gappy but the recording\'s first', async () => {
    const exgate = await h.start(okxFramesFromBinance(tradeLines()), 30);
    const sim = exgate.simulator as OkxSimulator;
    await eventually(() => sim.printed('BTC-USDT').length > 4_000, { what: '4000 prints played', timeoutMs: 60_000, intervalMs: 20 });
    // The exchange keeps printing while nobody listens: the first 300 prints after the cut reach no one.
    sim.dropConnections();
    sim.skipNext(300, { symbol: 'BTC-USDT' });
    await sim.drained();
    const timeline = sim.timeline('BTC-USDT');
    const sent = new Set(sim.sentIds('BTC-USDT', 'trade'));
    expect(timeline.filter((p) => !sent.has(p.id)).length).toBeGreaterThanOrEqual(300);

    const minutes = minutesOf(timeline.map(folded));
    const candles = await h.minuteCandles('BTC-USDT', minutes);

    // Every print is stored once, in order: the ones the cut hid came back from history-trades.
    // The last minute may still be forming when its candle is read, so its prints are awaited too.
    const stored = await h.storedTrades('BTC-USDT', timeline.length, 'every print stored');
    expect(stored.map((t) => t.id)).toEqual(timeline.map((p) => p.id));
    const closed = candles.filter((c) => c.state !== 'forming');
    expect(closed.length).toBeGreaterThanOrEqual(candles.length - 1);
    // Only the first minute is incomplete: the recording starts inside it (no print before it is known).
    expect(candles.filter((c) => !c.gapFree).map((c) => c.openTimeMs)).toEqual([minutes[0]]);
    for (const c of closed) expect(candleFields(c)).toEqual(recomputed(timeline.map(folded), c.openTimeMs));
    // …and, for the minutes the capture covers whole, Binance's own published kline of them.
    for (const row of coveredBinanceRows()) {
      const c = closed.find((x) => x.openTimeMs === Number(row.split(',')[0]));
      if (c) expect(candleFields(c)).toEqual(binanceRowFields(row));
    }
  });

  it('a relisting (tradeIds restart at 1 two days later): the feed resubscribes, the collector catches up by id: the new listing is stored whole in a later epoch, nothing counted as a duplicate', async () => {
    const DAY = 86_400_000;
    const first = okxFramesFromBinance(tradeLines().slice(0, 400));
    const base = Number((JSON.parse(first[0]!) as { data: { tradeId: string }[] }).data[0]!.tradeId);
    const relisted = first.map((f) => {
      const push = JSON.parse(f) as { arg: unknown; data: Record<string, string>[] };
      return JSON.stringify({ ...push, data: push.data.map((d) => ({ ...d, tradeId: String(Number(d.tradeId) - base + 1), ts: String(Number(d.ts) + 2 * DAY) })) });
    });
    const exgate = await h.start([...first, ...relisted], 'max');
    const sim = exgate.simulator as OkxSimulator;
    await sim.drained();
    const timeline = sim.timeline('BTC-USDT');
    expect(timeline[400]!.epoch).toBeGreaterThan(timeline[0]!.epoch);
    const stored = await h.storedTrades('BTC-USDT', timeline.length, 'both listings stored', 60_000);
    // Every fill of both listings once, in order: the new listing's ids above the old, its tradeIds from 1.
    expect(stored.map((t) => t.id)).toEqual(timeline.map((p) => p.id));
    expect(stored.slice(400).map((t) => t.sourceId)).toEqual(Array.from({ length: 400 }, (_, i) => String(i + 1)));
    // The new listing's candles are the fold of its fills. The jump between epochs is an id hole to
    // the engine: the candle it lands in says gap_free false (ADR 0017: the old listing's last fills
    // cannot be proved), the later ones are complete.
    const fresh = timeline.slice(400);
    const candles = await h.minuteCandles('BTC-USDT', minutesOf(fresh.map(folded)), 60_000);
    expect(candles[0]!.gapFree).toBe(false);
    for (const c of candles.slice(1, -1)) {
      expect(c.gapFree).toBe(true);
      expect(candleFields(c)).toEqual(recomputed(fresh.map(folded), c.openTimeMs));
    }
  });
});
