import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricsRegistry } from './metrics';

/** The monitor's sampling period: a stall shorter than this can go unseen. */
const RESOLUTION_MS = 10;

export interface ProcessMetrics {
  stop(): void;
}

/**
 * Memory and event-loop delay of this process, as prom-client names them. The delay gauges cover
 * the time since the previous scrape (the histogram is reset on each): a stall shows in the scrape
 * that follows it, whatever the scrape interval. A stall is what every connection, heartbeat and
 * commit of the process waits through.
 */
export function processMetrics(metrics: MetricsRegistry): ProcessMetrics {
  const delay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const max = metrics.gauge('nodejs_eventloop_lag_max_seconds', 'Longest event-loop delay since the previous scrape');
  const p99 = metrics.gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile of event-loop delay since the previous scrape');
  const heapUsed = metrics.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use');
  const heapTotal = metrics.gauge('nodejs_heap_size_total_bytes', 'V8 heap reserved');
  const rss = metrics.gauge('process_resident_memory_bytes', 'Resident set size');
  metrics.onCollect(() => {
    // Nanoseconds between the monitor's timer turns, its own period included: an idle loop reads
    // about 10 ms, and a stall reads up to 10 ms longer than it was (the figure errs high).
    const seen = delay.count > 0;
    max.set(seen ? delay.max / 1e9 : 0);
    p99.set(seen ? delay.percentile(99) / 1e9 : 0);
    delay.reset();
    const m = process.memoryUsage();
    heapUsed.set(m.heapUsed);
    heapTotal.set(m.heapTotal);
    rss.set(m.rss);
  });
  return { stop: () => delay.disable() };
}
