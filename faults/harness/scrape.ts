import type { Service } from './services';

/** The sum of a metric's samples in a /metrics text, over the samples whose labels include `where`. */
export function metricSum(text: string, name: string, where: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const labels = line[name.length] === '{' ? line.slice(name.length + 1, line.indexOf('}')) : '';
    if (Object.entries(where).every(([k, v]) => labels.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export interface Memory {
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
}

export const memoryOf = (text: string): Memory => ({
  heapUsedBytes: metricSum(text, 'nodejs_heap_size_used_bytes'),
  rssBytes: metricSum(text, 'process_resident_memory_bytes'),
});

/** The longest event-loop delays a process reported over a phase of the run, in ms. */
export interface LoopDelay {
  maxMs: number;
  /** The highest p99 of any scrape window (windows are `everyMs` long). */
  p99Ms: number;
}

/**
 * Scrapes services every `everyMs` (each scrape resets their event-loop histograms, so every stall
 * lands in exactly one window) and keeps, per service and phase, the longest delays seen.
 */
export class LoopWatch {
  readonly phases = new Map<string, Map<string, LoopDelay>>();
  /** The newest /metrics text of each service: whoever else wants a figure reads it here (a scrape of its own would reset the histograms). */
  readonly latest = new Map<string, string>();
  private phase = 'start';
  private timer: NodeJS.Timeout | undefined;
  private scraping: Promise<void> | null = null;

  constructor(private readonly services: readonly Service[], private readonly everyMs = 250) {}

  start(phase: string): void {
    this.phase = phase;
    this.timer = setInterval(() => void this.scrapeOnce(), this.everyMs);
  }

  /** One scrape at a time: a stalled service must not pile scrapes up. */
  private scrapeOnce(): Promise<void> {
    this.scraping ??= this.scrapeAll().finally(() => {
      this.scraping = null;
    });
    return this.scraping;
  }

  /** Scrapes once now (closing the window of the phase that ends), then counts towards `phase`. */
  async enter(phase: string): Promise<void> {
    await this.scraping;
    await this.scrapeOnce();
    this.phase = phase;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.scraping;
    await this.scrapeOnce();
  }

  of(phase: string, service: string): LoopDelay | undefined {
    return this.phases.get(phase)?.get(service);
  }

  private async scrapeAll(): Promise<void> {
    const phase = this.phase;
    await Promise.all(this.services.map(async (s) => {
      const text = await s.metrics?.().catch(() => null);
      if (!text) return;
      this.latest.set(s.name, text);
      const byService = this.phases.get(phase) ?? new Map<string, LoopDelay>();
      this.phases.set(phase, byService);
      const seen = byService.get(s.name) ?? { maxMs: 0, p99Ms: 0 };
      seen.maxMs = Math.max(seen.maxMs, metricSum(text, 'nodejs_eventloop_lag_max_seconds') * 1000);
      seen.p99Ms = Math.max(seen.p99Ms, metricSum(text, 'nodejs_eventloop_lag_p99_seconds') * 1000);
      byService.set(s.name, seen);
    }));
  }
}
