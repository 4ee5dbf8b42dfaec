import { IntxSimulator, intxFramesFromBinance, type IntxSimPrint } from '@exgate/exchanges/testing';
import { fixtureLines } from '@exgate/testing';
import { tradeLines } from './testing/binance-window';
import { expectLossMarked, useReplayHarness, type FoldedPrint } from './testing/replay-harness';

jest.setTimeout(180_000);

const h = useReplayHarness('coinbase-intx');
const folded = (p: IntxSimPrint): FoldedPrint => ({ timeMs: p.timeMs, price: p.price, qty: p.qty, takerBuy: p.side === 'BUY' });

describe('npm start -- --replay FILE --exchange coinbase-intx', () => {
  it("collects real MATCH messages over the simulator's signed subscription, match ids kept, and serves them on the /v1 routes", async () => {
    const recorded = [...fixtureLines('coinbase-intx', 'tardis-node-mappers-test-trade-messages.jsonl'), ...fixtureLines('coinbase-intx', 'nautilus-ws_match.json')];
    const exgate = await h.start(recorded, 'max');
    expect([...exgate.simulator!.symbols].sort()).toEqual(['BTC-PERP', 'SOL-PERP']);
    await exgate.simulator!.drained();
    const stored = await h.storedTrades('BTC-PERP', 1, 'the stored BTC-PERP print');
    expect(stored.map((t) => [t.sourceId, t.price, t.qty, t.isBuyerMaker])).toEqual([['423596942694547460', '84374', '0.0213', false]]);
    const recent = await h.get('/v1/intx/recent/BTC-PERP?limit=10');
    expect(recent.status).toBe(200);
    expect((recent.body['trade'] as { id: string }[]).map((t) => t.id)).toEqual(['423596942694547460']);
    expect(await h.get('/v1/coinbase-intx/aggtrade/pull/SOL-PERP/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    // Refused before any I/O: Binance's spelling, and an interval INTX does not publish.
    expect(await h.get('/v1/coinbase-intx/aggtrade/pull/BTCUSDT/1m')).toMatchObject({ status: 400, body: { code: 3 } });
    expect(await h.get('/v1/coinbase-intx/kline/BTC-PERP/4h')).toMatchObject({ status: 400, body: { code: 3 } });
    // INTX has no trades endpoint: an instrument exgate does not collect has no recent trades.
    expect(await h.get('/v1/coinbase-intx/recent/ETH-PERP')).toMatchObject({ status: 400, body: { message: expect.stringContaining('no public trades endpoint') as string } });
    // The proxy route asks the (simulated) exchange's own candles (seed 002's route).
    const proxied = await h.get(`/v1/coinbase-intx/kline/BTC-PERP/1m?startTime=${Date.UTC(2025, 2, 14, 23, 3)}&limit=1`);
    expect(proxied).toMatchObject({ status: 200, body: { kline: [{ open_time: Date.UTC(2025, 2, 14, 23, 3), open: '84374', volume: '0.0213' }] } });
  });

  it('without credentials, pulling answers a clear 400 and the collector neither crashes nor connects', async () => {
    const sim = await IntxSimulator.start({ frames: intxFramesFromBinance(tradeLines().slice(0, 100)), host: '127.0.0.1' });
    try {
      await h.startWith({
        EXGATE_EXCHANGES: 'coinbase-intx', EXGATE_PULL: 'coinbase-intx:BTC-PERP', COINBASE_INTX_WS_URL: sim.wsBaseUrl, COINBASE_INTX_REST_URL: sim.restBaseUrl,
      });
      const pull = await h.get('/v1/coinbase-intx/aggtrade/pull/ETH-PERP/1m');
      expect(pull).toMatchObject({ status: 400, body: { message: expect.stringContaining('COINBASE_INTX_API_KEY') as string } });
      // A pull configured at start is kept, never connected: the API still answers, nothing was opened.
      expect((await h.get('/v1/coinbase-intx/exgate/kline/BTC-PERP/1m/0/1')).status).toBe(200);
      expect(sim.stats.connectionsOpened).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('a dropped connection: candles over the loss are gap_free false, every other candle exact', async () => {
    const exgate = await h.start(intxFramesFromBinance(tradeLines()), 30);
    await expectLossMarked(h, exgate.simulator as IntxSimulator, 'BTC-PERP', folded, (p) => p.matchId);
  });
});
