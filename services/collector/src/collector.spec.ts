import pino from 'pino';
import { encodeRecord, MemoryKeyValueStore, subscriptionKey, type TradeLogWriter } from '@exgate/bus';
import { streamKey, type TradeBatch } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import { requireExchange } from '@exgate/exchanges';
import { BinanceUsdmSimulator } from '@exgate/exchanges/testing';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { eventually, fixtureLines } from '@exgate/testing';
import { kvCheckpoints } from './checkpoints';
import { createCollector, type Collector } from './collector';

const trades = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').slice(0, 3000);

/** A bucket that counts its writes. */
class PutsCounted extends MemoryKeyValueStore {
  puts = 0;

  override async put(key: string, value: string): Promise<void> {
    this.puts++;
    await super.put(key, value);
  }
}

/** A bucket that refuses writes while `down`. */
class Flaky extends MemoryKeyValueStore {
  down = false;

  override async put(key: string, value: string): Promise<void> {
    if (this.down) throw new ExgateError('BUS_UNAVAILABLE', 'KV away');
    await super.put(key, value);
  }
}

/** Everything the bus received, in log order. */
function recorder() {
  const batches: TradeBatch[] = [];
  let down = false;
  const writer: TradeLogWriter = {
    publish: async (b) => {
      if (down) throw new ExgateError('BUS_UNAVAILABLE', 'broker away');
      batches.push(...b);
    },
    close: async () => {},
  };
  return { batches, writer, setDown: (v: boolean) => (down = v), ids: () => batches.flatMap((b) => b.trades.map((t) => t.id)) };
}

/**
 * A collector of the simulated exchange's BTCUSDT. `increasing`: the same feed, described as an
 * exchange whose ids only grow and that serves no history (where ids cannot show a loss).
 */
async function setup(writer: TradeLogWriter, sim: BinanceUsdmSimulator, checkpoints = new MemoryKeyValueStore(), o: { increasing?: boolean; checkpointIntervalMs?: number } = {}) {
  const metrics = new MetricsRegistry();
  const binance = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger(), wsBaseUrl: sim.wsBaseUrl, restBaseUrl: sim.restBaseUrl });
  const adapter = o.increasing ? { ...binance, info: { ...binance.info, capabilities: { tradeIds: 'increasing', backfill: 'none' } as const } } : binance;
  const subscriptions = new MemoryKeyValueStore();
  const collector = createCollector({
    exchanges: new Map([['binance-usdm', adapter]]), tradeLog: writer, subscriptions, checkpoints: kvCheckpoints(checkpoints),
    clock: systemClock, logger: silentLogger(), metrics,
    config: { flushIntervalMs: 20, maxBufferedPerStream: 100_000, latencyAllowanceMs: o.increasing ? 0 : 1000, checkpointIntervalMs: o.checkpointIntervalMs },
  });
  await collector.start();
  await subscriptions.put(subscriptionKey('binance-usdm', 'BTCUSDT'), encodeRecord({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', sinceMs: 0 }));
  return { collector, metrics, subscriptions };
}

/** Flushes every 10 ms until `done` holds; fails after 15 s naming `what`. */
async function flushUntil(collector: Collector, done: () => boolean, what: string): Promise<void> {
  await eventually(async () => {
    if (done()) return true;
    await collector.flush();
    return false;
  }, { what, timeoutMs: 15_000, intervalMs: 10 });
}

/** Flushes until the bus holds every id the exchange printed; those ids. */
async function untilDelivered(collector: Collector, sim: BinanceUsdmSimulator, ids: () => number[]): Promise<number[]> {
  await sim.drained();
  const printed = sim.printedIds('BTCUSDT', 'aggTrade');
  await flushUntil(collector, () => ids().length >= printed.length, `all ${printed.length} printed ids on the bus`);
  return printed;
}

/** A collector that delivers 200 ids and stops: what a restarted one finds in `checkpoints`. */
async function runUntil200(bus: ReturnType<typeof recorder>, sim: BinanceUsdmSimulator, checkpoints: MemoryKeyValueStore): Promise<void> {
  const first = await setup(bus.writer, sim, checkpoints);
  await flushUntil(first.collector, () => bus.ids().length >= 200, '200 ids on the bus');
  await first.collector.stop();
}

describe('collector (simulated Binance, real protocol)', () => {
  let sim: BinanceUsdmSimulator;
  afterEach(async () => {
    await sim.close();
  });

  it('delivers every aggTrade once, in id order, with no gap', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 50 } });
    const bus = recorder();
    const { collector, metrics } = await setup(bus.writer, sim);
    const printed = await untilDelivered(collector, sim, bus.ids);
    await collector.stop();
    expect(bus.ids()).toEqual(printed);
    expect(bus.batches.every((b) => b.gap === null && b.kind === 'aggTrade')).toBe(true);
    const rendered = metrics.render();
    expect(rendered).toContain(`exgate_collector_trades_total{exchange="binance-usdm",symbol="BTCUSDT"} ${printed.length}`);
    expect(rendered).toContain(`exgate_collector_published_total{exchange="binance-usdm",symbol="BTCUSDT"} ${printed.length}`);
    expect(rendered).not.toMatch(/exgate_collector_stream_events_total\{/);
  });

  it('fetches a hole in the ids from REST before anything after it, so the bus sees no gap', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 50 } });
    const bus = recorder();
    const { collector, metrics } = await setup(bus.writer, sim);
    // A hole needs a print before it: the first-ever print has nothing to be contiguous with.
    await flushUntil(collector, () => bus.ids().length >= 100, '100 ids on the bus');
    sim.skipNext(40, { symbol: 'BTCUSDT', kind: 'aggTrade' });
    const printed = await untilDelivered(collector, sim, bus.ids);
    await collector.stop();
    expect(bus.ids()).toEqual(printed);
    expect(metrics.render()).toMatch(/exgate_collector_stream_events_total\{event="backfilled",exchange="binance-usdm",symbol="BTCUSDT"\} 40/);
  });

  it('holds prints while the bus is away and delivers all of them when it returns', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: 'asap' });
    const bus = recorder();
    bus.setDown(true);
    const { collector } = await setup(bus.writer, sim);
    await sim.drained();
    await collector.flush();
    expect(bus.ids()).toEqual([]);
    bus.setDown(false);
    const printed = await untilDelivered(collector, sim, bus.ids);
    await collector.stop();
    expect(bus.ids()).toEqual(printed);
  });

  it('resumes after a restart from its checkpoint and backfills what it missed while down', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 20 } });
    const bus = recorder();
    const checkpoints = new MemoryKeyValueStore();
    await runUntil200(bus, sim, checkpoints);
    const second = await setup(bus.writer, sim, checkpoints);
    const printed = await untilDelivered(second.collector, sim, bus.ids);
    await second.collector.stop();
    expect(bus.ids()).toEqual(printed);
  });

  it('writes its checkpoint at most once an interval while collecting, and the last one at a stop', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 50 } });
    const bus = recorder();
    const checkpoints = new PutsCounted();
    const { collector } = await setup(bus.writer, sim, checkpoints, { checkpointIntervalMs: 60_000 });
    await sim.drained();
    const printed = sim.printedIds('BTCUSDT', 'aggTrade');
    // The collector's own flushes (every 20 ms), not flush(): that one writes every checkpoint.
    await eventually(() => bus.ids().length >= printed.length, { what: `all ${printed.length} printed ids on the bus`, timeoutMs: 15_000 });
    expect(checkpoints.puts).toBe(1);
    await collector.stop();
    expect(checkpoints.puts).toBe(2);
    expect(JSON.parse((await checkpoints.get('binance-usdm:BTCUSDT'))!)).toMatchObject({ kind: 'aggTrade', lastId: printed.at(-1) });
  });

  it('keeps collecting while its checkpoints cannot be written, and writes the newest once they can', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 50 } });
    const bus = recorder();
    const checkpoints = new Flaky();
    checkpoints.down = true;
    const { collector } = await setup(bus.writer, sim, checkpoints);
    const printed = await untilDelivered(collector, sim, bus.ids);
    expect(bus.ids()).toEqual(printed);
    expect(await checkpoints.entries()).toEqual(new Map());
    checkpoints.down = false;
    await collector.stop();
    expect(JSON.parse((await checkpoints.get('binance-usdm:BTCUSDT'))!)).toMatchObject({ kind: 'aggTrade', lastId: printed.at(-1) });
  });

  it('resumes from a checkpoint an older version wrote, and keeps it in the current form from then on', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 20 } });
    const bus = recorder();
    const checkpoints = new MemoryKeyValueStore();
    await runUntil200(bus, sim, checkpoints);
    // What a version before the stream names kept: `exchange.SYMBOL.kind` → the bare id.
    const saved = JSON.parse((await checkpoints.get('binance-usdm:BTCUSDT'))!) as { lastId: number };
    await checkpoints.delete('binance-usdm:BTCUSDT');
    await checkpoints.put('binance-usdm.BTCUSDT.aggTrade', String(saved.lastId));
    const second = await setup(bus.writer, sim, checkpoints);
    const printed = await untilDelivered(second.collector, sim, bus.ids);
    await second.collector.stop();
    expect(bus.ids()).toEqual(printed);
    expect([...(await checkpoints.entries()).keys()]).toEqual(['binance-usdm:BTCUSDT']);
    expect(JSON.parse((await checkpoints.get('binance-usdm:BTCUSDT'))!)).toMatchObject({ kind: 'aggTrade', lastId: printed.at(-1) });
  });

  it('after a restart, fetches what was printed while it was down even if the market then goes quiet', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades.slice(0, 1500) } }, pace: { speed: 50 } });
    const bus = recorder();
    const checkpoints = new MemoryKeyValueStore();
    await runUntil200(bus, sim, checkpoints);
    // The exchange prints its last trade while no collector runs: no live print will show the hole.
    await sim.drained();
    const second = await setup(bus.writer, sim, checkpoints);
    const printed = sim.printedIds('BTCUSDT', 'aggTrade');
    await flushUntil(second.collector, () => bus.ids().length >= printed.length, `all ${printed.length} printed ids on the bus`);
    await second.collector.stop();
    expect(bus.ids()).toEqual(printed);
  });

  it('after a reconnect, fetches what was printed while away without waiting for the next live print', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades.slice(0, 1500) } }, pace: { speed: 50 } });
    const bus = recorder();
    const { collector } = await setup(bus.writer, sim);
    await flushUntil(collector, () => bus.ids().length >= 200, '200 ids on the bus');
    // Everything from here on is printed but never sent; then the connection drops and comes back.
    sim.skipNext(trades.length, { symbol: 'BTCUSDT', kind: 'aggTrade' });
    await sim.drained();
    sim.dropConnections();
    const printed = sim.printedIds('BTCUSDT', 'aggTrade');
    await flushUntil(collector, () => bus.ids().length >= printed.length, `all ${printed.length} printed ids on the bus`);
    await collector.stop();
    expect(bus.ids()).toEqual(printed);
    expect(sim.sentIds('BTCUSDT', 'aggTrade').length).toBeLessThan(printed.length);
  });
});

describe('collector: what a stream vouches for', () => {
  let sim: BinanceUsdmSimulator;
  afterEach(async () => {
    await sim.close();
  });

  it('vouches for a symbol pulled onto a connection that is already up, as for the first', async () => {
    const eth = fixtureLines('binance', 'usdm-trades-2024-07-18', 'ethusdt-trade-stream.jsonl').slice(0, 3000);
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades }, ETHUSDT: { trade: eth } }, pace: { speed: 20 } });
    const bus = recorder();
    const { collector, subscriptions } = await setup(bus.writer, sim);
    await flushUntil(collector, () => bus.batches.some((b) => b.symbol === 'BTCUSDT' && b.watermarkMs !== null), 'a BTCUSDT watermark');
    await subscriptions.put(subscriptionKey('binance-usdm', 'ETHUSDT'), encodeRecord({ exchange: 'binance-usdm', symbol: 'ETHUSDT', interval: '1m', sinceMs: 0 }));
    await flushUntil(collector, () => bus.batches.some((b) => b.symbol === 'ETHUSDT' && b.watermarkMs !== null), 'an ETHUSDT watermark');
    await collector.stop();
    // One connection carried both: ETHUSDT came by SUBSCRIBE, not by a new connection.
    expect(sim.stats.connectionsOpened).toBe(1);
    const ethMarks = bus.batches.filter((b) => b.symbol === 'ETHUSDT' && b.watermarkMs !== null).map((b) => b.watermarkMs!);
    const ethTimes = bus.batches.filter((b) => b.symbol === 'ETHUSDT').flatMap((b) => b.trades.map((t) => t.exchangeTimeMs));
    expect(ethMarks.length).toBeGreaterThan(0);
    expect(Math.min(...ethMarks)).toBeGreaterThanOrEqual(Math.min(...ethTimes) - 60_000);
  });

  it('does not vouch for time a silent connection has not proved: the watermark stops with the last frame or pong', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 5 } });
    const bus = recorder();
    const { collector } = await setup(bus.writer, sim);
    await flushUntil(collector, () => bus.batches.some((b) => b.watermarkMs !== null) && bus.ids().length >= 50, 'prints and a watermark');
    // Frames and pongs stop; the socket stays open (far shorter than the 60 s silence timeout).
    sim.silence(2_500);
    const silencedAt = bus.batches.length;
    const lastEventBefore = Math.max(...bus.batches.flatMap((b) => b.trades.map((t) => t.eventTimeMs)));
    const until = Date.now() + 2_200;
    while (Date.now() < until) {
      await collector.flush();
      await new Promise((r) => setTimeout(r, 50));
    }
    await collector.stop();
    const marks = bus.batches.slice(silencedAt).flatMap((b) => (b.watermarkMs === null ? [] : [b.watermarkMs]));
    expect(marks.length).toBeGreaterThan(0);
    // Extrapolating to "now" would have moved it ~2.2 s past the last frame, less the 1 s allowance.
    expect(Math.max(...marks)).toBeLessThanOrEqual(lastEventBefore);
  });

  it('where ids cannot show a loss, declares what a disconnection hid a gap and fetches nothing', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 20 } });
    const bus = recorder();
    const { collector } = await setup(bus.writer, sim, new MemoryKeyValueStore(), { increasing: true });
    await flushUntil(collector, () => bus.batches.some((b) => b.watermarkMs !== null) && bus.ids().length >= 100, 'prints and a watermark');
    // The exchange goes on printing while the collector reconnects (backoff 0.5–1 s: 10–20 s of prints).
    sim.dropConnections();
    await flushUntil(collector, () => bus.batches.some((b) => b.gap !== null), 'a declared gap');
    const restBefore = sim.stats.restRequests;
    await collector.stop();

    const sent = new Set(sim.sentIds('BTCUSDT', 'aggTrade'));
    const hidden = sim.timeline('BTCUSDT').filter((p) => p.kind === 'aggTrade' && sim.printedIds('BTCUSDT', 'aggTrade').includes(p.id) && !sent.has(p.id));
    expect(hidden.length).toBeGreaterThanOrEqual(20);
    const gaps = bus.batches.flatMap((b) => (b.gap ? [b.gap] : []));
    expect(gaps).toHaveLength(1);
    // The gap covers every hidden print; nothing was fetched to fill it.
    expect(gaps[0]!.fromMs).toBeLessThanOrEqual(Math.min(...hidden.map((p) => p.tradeTimeMs)));
    expect(gaps[0]!.toMs).toBeGreaterThanOrEqual(Math.max(...hidden.map((p) => p.tradeTimeMs)));
    expect(restBefore).toBe(0);
    expect(bus.ids().filter((id) => hidden.some((p) => p.id === id))).toEqual([]);
  });

  it('where ids cannot show a loss, declares a print in an unreadable frame lost, and vouches for nothing past it until the next print', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 20 } });
    const bus = recorder();
    const { collector, metrics } = await setup(bus.writer, sim, new MemoryKeyValueStore(), { increasing: true });
    await flushUntil(collector, () => bus.batches.some((b) => b.watermarkMs !== null) && bus.ids().length >= 100, 'prints and a watermark');
    // The exchange prints one aggTrade, and what reaches the collector in its place is cut short.
    sim.pause();
    // Frames already sent arrive before the cut one (one socket): the loss starts at the last of them.
    const sentBefore = new Set(sim.sentIds('BTCUSDT', 'aggTrade'));
    const lastBefore = Math.max(...sim.timeline('BTCUSDT').filter((p) => p.kind === 'aggTrade' && sentBefore.has(p.id)).map((p) => p.tradeTimeMs));
    sim.skipNext(1, { symbol: 'BTCUSDT', kind: 'aggTrade' });
    sim.sendRaw('{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":17213');
    await flushUntil(collector, () => /exgate_frames_rejected_total\{[^}]*kind="invalid_json"\} 1/.test(metrics.render()), 'the rejection');
    // A quiet stream sends its watermark once a second: none may go out past the unreadable frame.
    const quietFrom = bus.batches.length;
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      await collector.flush();
      await new Promise((r) => setTimeout(r, 30));
    }
    const quietMarks = bus.batches.slice(quietFrom).flatMap((b) => (b.watermarkMs === null ? [] : [b.watermarkMs]));
    sim.resume();
    await flushUntil(collector, () => bus.batches.some((b) => b.gap !== null), 'a declared gap');
    await collector.stop();

    const sent = new Set(sim.sentIds('BTCUSDT', 'aggTrade'));
    const hidden = sim.timeline('BTCUSDT').filter((p) => p.kind === 'aggTrade' && sim.printedIds('BTCUSDT', 'aggTrade').includes(p.id) && !sent.has(p.id));
    expect(hidden).toHaveLength(1);
    expect(quietMarks).toEqual([]);
    const gaps = bus.batches.flatMap((b) => (b.gap ? [b.gap] : []));
    expect(gaps).toEqual([{ fromMs: lastBefore, toMs: expect.any(Number) }]);
    expect(gaps[0]!.toMs).toBeGreaterThanOrEqual(hidden[0]!.tradeTimeMs);
    // Nothing reconnected, nothing was fetched.
    expect(sim.stats.connectionsOpened).toBe(1);
    expect(sim.stats.restRequests).toBe(0);
  });
});

describe('collector under bad conditions', () => {
  let sim: BinanceUsdmSimulator;
  afterEach(async () => {
    await sim.close();
  });

  it('past its buffer bound while the bus is away, forgets the newest prints and refetches them by id later', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: 'asap' });
    const bus = recorder();
    bus.setDown(true);
    const metrics = new MetricsRegistry();
    const adapter = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger(), wsBaseUrl: sim.wsBaseUrl, restBaseUrl: sim.restBaseUrl });
    const subscriptions = new MemoryKeyValueStore();
    const collector = createCollector({
      exchanges: new Map([['binance-usdm', adapter]]), tradeLog: bus.writer, subscriptions, checkpoints: kvCheckpoints(new MemoryKeyValueStore()),
      clock: systemClock, logger: silentLogger(), metrics,
      config: { flushIntervalMs: 20, maxBufferedPerStream: 100, latencyAllowanceMs: 1000 },
    });
    await collector.start();
    await subscriptions.put(subscriptionKey('binance-usdm', 'BTCUSDT'), encodeRecord({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', sinceMs: 0 }));
    // The stream must print on after the bus returns so a later id reveals the forgotten ones.
    await eventually(() => sim.printedIds('BTCUSDT', 'aggTrade').length >= 600, { what: '600 prints', intervalMs: 5 });
    sim.pause();
    await collector.flush();
    expect(collector.streams.get(streamKey('binance-usdm', 'BTCUSDT'))!.buffered).toBeLessThanOrEqual(100);
    bus.setDown(false);
    sim.resume();
    const printed = await untilDelivered(collector, sim, bus.ids);
    await collector.stop();
    expect(bus.ids()).toEqual(printed);
    expect(metrics.render()).toMatch(/exgate_collector_stream_events_total\{event="overflow",exchange="binance-usdm",symbol="BTCUSDT"\} [1-9]/);
  });

  it('rejects malformed frames, counts each kind, logs each kind once, and keeps the stream whole', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: trades } }, pace: { speed: 20 } });
    const bus = recorder();
    const logged: { kind?: string; msg?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const metrics = new MetricsRegistry();
    const adapter = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger(), wsBaseUrl: sim.wsBaseUrl, restBaseUrl: sim.restBaseUrl });
    const subscriptions = new MemoryKeyValueStore();
    const collector = createCollector({
      exchanges: new Map([['binance-usdm', adapter]]), tradeLog: bus.writer, subscriptions, checkpoints: kvCheckpoints(new MemoryKeyValueStore()),
      clock: systemClock, logger, metrics,
      config: { flushIntervalMs: 20, maxBufferedPerStream: 100_000, latencyAllowanceMs: 1000 },
    });
    await collector.start();
    await subscriptions.put(subscriptionKey('binance-usdm', 'BTCUSDT'), encodeRecord({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', sinceMs: 0 }));
    await flushUntil(collector, () => bus.ids().length >= 50, '50 ids on the bus');
    const frame = (data: Record<string, unknown>) => JSON.stringify({ stream: 'btcusdt@aggTrade', data: { e: 'aggTrade', E: Date.now(), a: 1, s: 'BTCUSDT', p: '1.0', q: '1', f: 1, l: 1, T: Date.now(), m: false, ...data } });
    const bad = [
      '{"stream":"btcusdt@aggTrade","data":{"e":"aggTr', // truncated
      frame({ p: 64000 }), // a number where Binance sends a decimal string
      frame({ q: '0' }), frame({ q: '-1' }),
      frame({ p: '1e5' }), frame({ p: 'NaN' }),
      frame({ T: 1 }), // 1970
    ];
    for (let round = 0; round < 3; round++) for (const b of bad) sim.sendRaw(b);
    const printed = await untilDelivered(collector, sim, bus.ids);
    await collector.stop();
    expect(bus.ids()).toEqual(printed);
    const counted = [...metrics.render().matchAll(/exgate_frames_rejected_total\{exchange="binance-usdm",kind="([a-z_]+)"\} (\d+)/g)].map((m) => [m[1], Number(m[2])]);
    expect(counted.reduce((n, [, c]) => n + (c as number), 0)).toBe(bad.length * 3);
    expect(counted.map(([k]) => k)).toEqual(expect.arrayContaining(['invalid_json', 'schema', 'non_positive_quantity', 'bad_decimal', 'absurd_timestamp']));
    const rejectionLogs = logged.filter((l) => l.msg?.startsWith('frame rejected'));
    expect(rejectionLogs.map((l) => l.kind).sort()).toEqual(counted.map(([k]) => k).sort());
  });
});
