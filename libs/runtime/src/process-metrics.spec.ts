import { MetricsRegistry } from './metrics';
import { processMetrics } from './process-metrics';

const gauge = (text: string, name: string): number => {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!m) throw new Error(`${name} not rendered`);
  return Number(m[1]);
};

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* a stall on purpose */ }
};

describe('process metrics', () => {
  it('reports a stall of the event loop in the scrape after it, and memory in use', async () => {
    const metrics = new MetricsRegistry();
    const monitor = processMetrics(metrics);
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      busy(300);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const first = metrics.render();
      expect(gauge(first, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0.3);
      expect(gauge(first, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
      expect(gauge(first, 'process_resident_memory_bytes')).toBeGreaterThan(gauge(first, 'nodejs_heap_size_used_bytes'));
      expect(gauge(first, 'nodejs_heap_size_total_bytes')).toBeGreaterThanOrEqual(gauge(first, 'nodejs_heap_size_used_bytes'));
      // The next scrape covers only the time since: the stall is not reported twice.
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(gauge(metrics.render(), 'nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.3);
    } finally {
      monitor.stop();
    }
  });
});
