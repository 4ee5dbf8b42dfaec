import type { ManyRun } from './many';
import { LoopWatch, memoryOf, metricSum, type LoopDelay, type Memory } from './scrape';
import type { Service } from './services';
import { sleep, until } from './settle';

/** What one many-series run measured, from the services' own /metrics. */
export interface SeriesFigures {
  readonly streams: number;
  /** Prints the collector had to deliver (Binance: the aggTrades the simulator made of the trades). */
  readonly prints: number;
  /** From the moment every simulator began to play until the collector had Kafka's acknowledgement for every print. */
  readonly collectorMs: number;
  /** …until the aggregator had applied every print. */
  readonly aggregatorMs: number;
  /** Started, nothing subscribed yet; and at the end, after `idleMs` with nothing to play. */
  readonly memory: Readonly<Record<'collector' | 'aggregator', { readonly before: Memory; readonly after: Memory }>>;
  /** Per phase (subscribe, play, idle), per service: the longest event-loop delays. */
  readonly loop: ReadonlyMap<string, ReadonlyMap<string, LoopDelay>>;
  /** Subscriptions put → every symbol of every simulator subscribed. */
  readonly subscribeMs: number;
}

export interface MeasureOptions {
  /** For each wait (subscriptions, delivery, application). */
  readonly timeoutMs: number;
  /** Quiet time at the end: watermark-only batches and heartbeats only, what 500 idle series cost. */
  readonly idleMs: number;
}

/**
 * Aggregator and collector started (nothing subscribed), then every subscription at once, then the
 * simulators play; measured until every print is applied, then idle. Services stop gracefully at
 * the end (their log is flushed, offsets committed): the store can be judged after this.
 */
export async function measureSeries(run: ManyRun, o: MeasureOptions): Promise<SeriesFigures> {
  const aggregator = await run.startAggregator();
  const collector = await run.startCollector();
  const watch = new LoopWatch([collector, aggregator]);
  try {
    // The first scrape closes the window of module loading and store opening: not the series' doing.
    await watch.enter('subscribe');
    const before = { collector: await memoryNow(watch, collector), aggregator: await memoryNow(watch, aggregator) };
    watch.start('subscribe');
    const subscribedFrom = Date.now();
    await run.subscribe();
    await run.subscribed(Math.min(o.timeoutMs, 120_000));
    const subscribeMs = Date.now() - subscribedFrom;
    // The subscribing window closes before anything plays: a delay of the first prints is play's.
    await watch.enter('play');
    const playFrom = run.play();
    await Promise.all(run.exchanges.map((x) => x.sim.drained()));
    // Read again at every look: a gateway may still push what its players printed (HotBit's polls).
    const expected = () => run.exchanges.reduce((n, x) => n + x.expected(), 0);
    const reached = async (service: Service, metric: string) => {
      const ok = await until(() => metricSum(watch.latest.get(service.name) ?? '', metric) >= expected(), o.timeoutMs, 50);
      if (!ok) throw new Error(`${service.name}: ${metricSum(watch.latest.get(service.name) ?? '', metric)} of ${expected()} prints (${metric}) within ${o.timeoutMs} ms`);
      return Date.now() - playFrom;
    };
    const collectorMs = await reached(collector, 'exgate_collector_published_total');
    const aggregatorMs = await reached(aggregator, 'exgate_aggregator_trades_total');
    await watch.enter('idle');
    await sleep(o.idleMs);
    await watch.stop();
    const after = { collector: memoryOf(watch.latest.get(collector.name)!), aggregator: memoryOf(watch.latest.get(aggregator.name)!) };
    return {
      streams: run.streams, prints: expected(), collectorMs, aggregatorMs, subscribeMs, loop: watch.phases,
      memory: { collector: { before: before.collector, after: after.collector }, aggregator: { before: before.aggregator, after: after.aggregator } },
    };
  } finally {
    await watch.stop();
    await collector.stop();
    await aggregator.stop();
  }
}

async function memoryNow(watch: LoopWatch, service: Service): Promise<Memory> {
  const text = watch.latest.get(service.name);
  if (!text) throw new Error(`${service.name} answered no /metrics`);
  return memoryOf(text);
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const kb = (bytes: number): string => (bytes / 1e3).toFixed(1);

/** Growth of a service's heap (or resident set) over the run, per stream. */
export function perStreamBytes(f: SeriesFigures, service: 'collector' | 'aggregator', what: keyof Memory): number {
  return (f.memory[service].after[what] - f.memory[service].before[what]) / f.streams;
}

/** The figures as lines for a log or the benchmark's output. */
export function describeSeries(f: SeriesFigures, intervals: number): string[] {
  const rate = (ms: number) => Math.round((f.prints / ms) * 1000).toLocaleString('en-US');
  const lines = [
    `${f.streams} streams, ${f.prints.toLocaleString('en-US')} prints; subscribed in ${f.subscribeMs} ms`,
    `collector: every print acknowledged by Kafka after ${f.collectorMs} ms (${rate(f.collectorMs)} prints/s)`,
    `aggregator: every print applied after ${f.aggregatorMs} ms (${rate(f.aggregatorMs)} prints/s end to end)`,
  ];
  for (const service of ['collector', 'aggregator'] as const) {
    const { before, after } = f.memory[service];
    const heap = perStreamBytes(f, service, 'heapUsedBytes');
    lines.push(`${service} memory: heap ${mb(before.heapUsedBytes)} → ${mb(after.heapUsedBytes)} MB, rss ${mb(before.rssBytes)} → ${mb(after.rssBytes)} MB; `
      + `per stream: heap ${kb(heap)} kB, rss ${kb(perStreamBytes(f, service, 'rssBytes'))} kB`
      + (service === 'aggregator' ? `; per stream × interval (${intervals}): heap ${kb(heap / intervals)} kB` : ''));
  }
  for (const [phase, byService] of f.loop) {
    const parts = [...byService].map(([s, d]) => `${s} max ${d.maxMs.toFixed(0)} ms, p99 ${d.p99Ms.toFixed(0)} ms`);
    lines.push(`event-loop delay, ${phase}: ${parts.join('; ')}`);
  }
  return lines;
}
