import { BybitSimulator, bybitFramesFromBinance, type BybitSimPrint } from '@exgate/exchanges/testing';
import { fixtureLines } from '@exgate/testing';
import { tradeLines } from './testing/binance-window';
import { expectLossMarked, useReplayHarness, type FoldedPrint } from './testing/replay-harness';

jest.setTimeout(180_000);

const h = useReplayHarness('bybit');
const folded = (p: BybitSimPrint): FoldedPrint => ({ timeMs: p.tradeTimeMs, price: p.price, qty: p.size, takerBuy: p.takerSide === 'Buy' });

describe('npm start -- --replay FILE --exchange bybit', () => {
  it('collects real Bybit pushes of both markets, Bybit ids kept, and serves them on the /v1 routes', async () => {
    const exgate = await h.start(fixtureLines('bybit', 'tardis-node-mappers-test-trade-messages.jsonl'), 'max');
    // The inverse contract is not collected; linear and spot symbols are told apart by name.
    expect([...exgate.simulator!.symbols].sort()).toEqual(['BTCUSDC-SPOT', 'BTCUSDT-SPOT', 'LTCUSDT']);
    await exgate.simulator!.drained();
    const stored = await h.storedTrades('BTCUSDT-SPOT', 4, 'four stored spot prints');
    expect(stored.map((t) => [t.sourceId, t.price, t.qty, t.isBuyerMaker])).toEqual([
      ['2290000000050703789', '28165.38', '0.041732', true], ['2290000000050703790', '28165.38', '0.008513', true],
      ['2290000000050703791', '28165.38', '0.042384', true], ['2290000000050703792', '28165.38', '0.055371', true],
    ]);
    const recent = await h.get('/v1/bybit/recent/btcusdt-spot?limit=10');
    expect(recent.status).toBe(200);
    expect((recent.body['trade'] as { id: string }[]).map((t) => t.id)).toEqual(stored.map((t) => t.sourceId));
    expect(await h.get('/v1/bybit/aggtrade/pull/LTCUSDT/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    // Refused before any I/O: an inverse contract, and an interval Bybit does not publish.
    expect(await h.get('/v1/bybit/aggtrade/pull/BTCUSD/1m')).toMatchObject({ status: 400, body: { code: 3 } });
    expect(await h.get('/v1/bybit/kline/BTCUSDT/8h')).toMatchObject({ status: 400, body: { code: 3 } });
    // The proxy route asks the (simulated) exchange's own klines.
    const proxied = await h.get('/v1/bybit/kline/BTCUSDT-SPOT/1m?startTime=1680652800000&limit=1');
    expect(proxied).toMatchObject({ status: 200, body: { kline: [{ open_time: 1680652800000, open: '28165.38', volume: '0.148000' }] } });
  });

  it('a dropped connection: candles over the loss are gap_free false, every other candle exact', async () => {
    const exgate = await h.start(bybitFramesFromBinance(tradeLines(), { category: 'linear' }), 30);
    await expectLossMarked(h, exgate.simulator as BybitSimulator, 'BTCUSDT', folded, (p) => p.sourceId);
  });
});
