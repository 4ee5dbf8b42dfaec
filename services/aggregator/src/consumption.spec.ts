import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryCandleLog, MemoryEventBus, MemoryTradeLog } from '@exgate/bus';
import { ExgateError } from '@exgate/errors';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore, type MarketStore } from '@exgate/store';
import { eventually } from '@exgate/testing';
import { countRedeliveries, createAggregator } from './aggregator';

describe('aggregator whose store fails a write', () => {
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

  it('rides out a store away for a moment: the batch comes again, is stored once, and consumption goes on', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-consumption-'));
    const real = await openStore({ kind: 'embedded', dataDir });
    let calls = 0;
    // The store restarting: its first two writes fail with a retriable error, then it takes them.
    const restarting: MarketStore = Object.assign(Object.create(real) as MarketStore, {
      insertTrades: (trades: Parameters<MarketStore['insertTrades']>[0]) =>
        ++calls <= 2 ? Promise.reject(new ExgateError('STORE_UNAVAILABLE', 'connection refused')) : real.insertTrades(trades),
    });
    const trades = new MemoryTradeLog();
    let stopped: unknown;
    const metrics = new MetricsRegistry();
    const aggregator = createAggregator({
      tradeLog: trades.reader({ groupId: 'g', handlerRetry: { attempts: 3, firstDelayMs: 20, maxDelayMs: 50 }, onHandlerRetry: countRedeliveries(metrics) }),
      store: restarting, candleLog: new MemoryCandleLog().writer(), events: new MemoryEventBus(),
      clock: systemClock, logger: silentLogger(), metrics,
      config: { intervals: ['1m'], graceMs: 0, liveUpdates: false },
      onConsumptionStopped: (e) => (stopped = e),
    });
    await aggregator.start();
    const t = 1_721_347_260_000;
    const stream = { exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade' } as const;
    const print = (id: number, price: string) => ({ ...stream, id, firstTradeId: id, lastTradeId: id, price, qty: '0.5', isBuyerMaker: false, market: true, exchangeTimeMs: t + id, eventTimeMs: t + id, receivedAtMs: t + id });
    const writer = trades.writer();
    await writer.publish([{ ...stream, watermarkMs: t + 1, gap: null, trades: [print(1, '100.1')] }]);
    await eventually(async () => (await real.lastTradeId(stream)) === 1, { what: 'the first print stored' });
    // Consumption went on: a later batch is taken without any restart.
    await writer.publish([{ ...stream, watermarkMs: t + 60_000, gap: null, trades: [print(2, '100.3')] }]);
    await eventually(async () => (await real.lastTradeId(stream)) === 2, { what: 'the second print stored' });
    await aggregator.stop();
    expect(stopped).toBeUndefined();
    // Two refused, then each batch stored once.
    expect(calls).toBe(4);
    expect(metrics.render()).toContain('exgate_aggregator_redeliveries_total{code="STORE_UNAVAILABLE"} 2');
    const stored = await real.trades({ ...stream, limit: 10, order: 'asc' });
    expect(stored.map((x) => x.id)).toEqual([1, 2]);
    // A print applied twice would show in the volume (1.5) and the count (3).
    const [candle] = await real.candles({ ...stream, interval: '1m', fromMs: t, toMs: t + 59_999, limit: 10 });
    expect(candle).toMatchObject({ openTimeMs: 1_721_347_260_000, open: '100.1', high: '100.3', close: '100.3', volume: '1', tradeCount: 2, state: 'closed' });
    await real.close();
    await rm(dataDir, { recursive: true, force: true });
  });
});
