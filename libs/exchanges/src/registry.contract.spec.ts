import Decimal from 'decimal.js';
import fc from 'fast-check';
import { INTERVALS } from '@exgate/domain';
import { silentLogger, systemClock } from '@exgate/runtime';
import { fixtureLines } from '@exgate/testing';
import { EXCHANGES } from './registry';

/**
 * What every exchange module promises the rest of exgate. A new exchange is its folder and a
 * registry line: this suite holds it to the contract without anyone writing a test for it.
 */
const SERVICE_PREFIXES = ['EXGATE_', 'KAFKA_', 'NATS_', 'CLICKHOUSE_', 'COLLECTOR_', 'AGGREGATOR_', 'SCHEDULER_', 'API_', 'OPS_', 'LOG_'];

describe.each(EXCHANGES.map((m) => [m.info.id, m] as const))('exchange module %s', (_id, module) => {
  const { info } = module;

  it('names itself so that stream names, topics and the API can use it', () => {
    expect(info.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const alias of info.aliases) expect(alias).toMatch(/^[a-z0-9-]+$/);
    expect(info.displayName.length).toBeGreaterThan(0);
  });

  it('offers intervals exgate knows, print streams it collects, and sane limits', () => {
    expect(info.intervals.length).toBeGreaterThan(0);
    for (const i of info.intervals) expect(INTERVALS).toContain(i);
    expect(info.tradeKinds).toContain(info.tradeKind);
    for (const n of Object.values(info.limits)) {
      expect(Number.isSafeInteger(n)).toBe(true);
      expect(n).toBeGreaterThan(0);
    }
  });

  it('spells markets in its own syntax and reads back what it writes (the dialects map names with it)', () => {
    const written: string[] = [];
    for (const contract of ['spot', 'perp'] as const) {
      const symbol = info.spelling.write({ base: 'ETH', quote: 'USDT', contract });
      const market = info.spelling.read(symbol);
      // An exchange without that kind of market may spell it anyway; what it reads must round-trip.
      if (market) {
        expect(info.symbolPattern.test(symbol)).toBe(true);
        expect(info.spelling.write(market)).toBe(symbol);
        written.push(symbol);
      }
    }
    expect(written.length).toBeGreaterThan(0);
  });

  it('declares capabilities that hold together and a candle policy on a real clock', () => {
    // Fetching a hole by id needs ids that say where the hole is.
    if (info.capabilities.backfill === 'by-id') expect(info.capabilities.tradeIds).not.toBe('none');
    const tz = info.candlePolicy.tzOffsetMs;
    expect(tz % (15 * 60_000)).toBe(0);
    expect(tz).toBeGreaterThanOrEqual(-12 * 3_600_000);
    expect(tz).toBeLessThanOrEqual(14 * 3_600_000);
  });

  it('keeps its settings under a prefix of its own', () => {
    const { prefix, shape } = module.env;
    expect(prefix).toMatch(/^[A-Z0-9]+(_[A-Z0-9]+)*_$/);
    for (const other of [...SERVICE_PREFIXES, ...EXCHANGES.filter((m) => m !== module).map((m) => m.env.prefix)]) {
      // Neither may own the other's variables (an unknown variable under a prefix is refused as a typo).
      expect(prefix.startsWith(other) || other.startsWith(prefix)).toBe(false);
    }
    expect(Object.keys(shape).length).toBeGreaterThan(0);
    for (const key of Object.keys(shape)) expect(key.startsWith(prefix)).toBe(true);
    expect(module.env.settings({})).toEqual({});
    expect(module.env.settings({ [`${prefix}WS_URL`]: 'ws://127.0.0.1:1', [`${prefix}REST_URL`]: 'http://127.0.0.1:1' }))
      .toMatchObject({ wsBaseUrl: 'ws://127.0.0.1:1', restBaseUrl: 'http://127.0.0.1:1' });
  });

  it('builds an adapter from defaults whose mapper never throws, whatever arrives', () => {
    const adapter = module.create({ clock: systemClock, logger: silentLogger() });
    expect(adapter.info.id).toBe(info.id);
    const frame = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ data: v, arg: v, params: v, topic: v })),
    );
    fc.assert(fc.property(frame, (raw) => {
      const r = adapter.parseFrame(raw, Date.now());
      expect(['trades', 'control', 'rejected', 'reconnect']).toContain(r.type);
      if (r.type === 'rejected') expect(r.rejection.sample.length).toBeLessThanOrEqual(201);
    }), { numRuns: 300 });
  });

  it("re-encodes real Binance prints as its own frames, which its mapper reads back to the same prints", async () => {
    const binance = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').slice(0, 300);
    const source = binance.map((l) => (JSON.parse(l) as { data: { p: string; q: string; T: number; X?: string } }).data).filter((d) => d.X === undefined || d.X === 'MARKET');
    const adapter = module.create({ clock: systemClock, logger: silentLogger() });
    const trades = (await module.loadSimulator()).fromBinance(binance).flatMap((frame) => {
      const r = adapter.parseFrame(frame, source.at(-1)!.T + 1000);
      return r.type === 'trades' ? r.trades : [];
    });
    // Exchanges that aggregate (aggTrade) may merge fills; every print's volume is still there.
    const sum = (xs: readonly string[]) => xs.reduce((a, x) => a.plus(x), new Decimal(0)).toString();
    expect(sum(trades.map((t) => t.qty))).toBe(sum(source.map((d) => d.q)));
    expect(new Set(trades.map((t) => new Decimal(t.price).toString()))).toEqual(new Set(source.map((d) => new Decimal(d.p).toString())));
    expect(Math.min(...trades.map((t) => t.exchangeTimeMs))).toBe(Math.min(...source.map((d) => d.T)));
    expect(Math.max(...trades.map((t) => t.exchangeTimeMs))).toBe(Math.max(...source.map((d) => d.T)));
  });

  it('starts a simulator that plays nothing when given nothing, and closes', async () => {
    const sim = await (await module.loadSimulator()).start({ frames: [], host: '127.0.0.1' });
    try {
      expect(sim.wsBaseUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
      expect(sim.restBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      expect(sim.symbols).toEqual([]);
      expect(sim.printCount).toBe(0);
      await sim.drained();
    } finally {
      await sim.close();
    }
  });
});
