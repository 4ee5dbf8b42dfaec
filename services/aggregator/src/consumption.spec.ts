import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryCandleLog, MemoryEventBus, MemoryTradeLog } from '@exgate/bus';
import { ExgateError } from '@exgate/errors';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type MarketStore } from '@exgate/store';
import { createAggregator } from './aggregator';

describe('aggregator whose store refuses a write', () => {
  it('stops consuming, says so through onConsumptionStopped, reports not consuming, and commits nothing', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-consumption-'));
    const real = await openStore({ kind: 'embedded', dataDir });
    // Our own port, refusing writes the way a full disk would: not a stand-in for ClickHouse.
    const refusing: MarketStore = Object.assign(Object.create(real) as MarketStore, {
      insertTrades: () => Promise.reject(new ExgateError('STORE_QUERY_FAILED', 'disk full')),
    });
    const trades = new MemoryTradeLog();
    let stopped: unknown;
    let signal!: () => void;
    const signalled = new Promise<void>((resolve) => (signal = resolve));
    const aggregator = createAggregator({
      tradeLog: trades.reader({ groupId: 'g' }), store: refusing, candleLog: new MemoryCandleLog().writer(), events: new MemoryEventBus(),
      clock: systemClock, logger: silentLogger(), metrics: new MetricsRegistry(),
      config: { intervals: ['1m'], graceMs: 0, liveUpdates: false },
      onConsumptionStopped: (e) => {
        stopped = e;
        signal();
      },
    });
    await aggregator.start();
    expect(aggregator.consuming).toBe(true);
    const t = 1_721_347_260_000;
    await trades.writer().publish([{
      exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', watermarkMs: null, gap: null,
      trades: [{ exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', id: 1, firstTradeId: 1, lastTradeId: 1, price: '1', qty: '1', isBuyerMaker: false, market: true, exchangeTimeMs: t, eventTimeMs: t, receivedAtMs: t }],
    }]);
    await signalled;
    expect(aggregator.consuming).toBe(false);
    expect(stopped).toMatchObject({ code: 'STORE_QUERY_FAILED' });
    const p = trades.log.partitionCount;
    expect(Array.from({ length: p }, (_, i) => trades.log.group('g').committedOffset(i)).every((o) => o <= 0)).toBe(true);
    await real.close();
    await rm(dataDir, { recursive: true, force: true });
  });
});
