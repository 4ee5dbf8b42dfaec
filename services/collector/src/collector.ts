import type { Trade, TradeBatch, TradeKind } from '@exgate/domain';
import { errorMessage } from '@exgate/errors';
import type { ExchangeAdapter, FeedStatus, FrameRejection, TradeFeed } from '@exgate/exchanges';
import { decodeSubscriptionRecord, type KeyValueStore, type TradeLogWriter, type Unsubscribe } from '@exgate/bus';
import type { Clock, Logger, MetricsRegistry } from '@exgate/runtime';
import { CollectedStream, type StreamEvent } from './stream';

export interface CollectorConfig {
  /** How often collected prints are handed to the bus. */
  readonly flushIntervalMs: number;
  /** Per stream, prints held while the bus is down before the stream falls back to refetching. */
  readonly maxBufferedPerStream: number;
  readonly backfillPageSize: number;
  /** Prints may reach us this late; the watermark trails the clock by it. */
  readonly latencyAllowanceMs: number;
  /** A stream with no prints still tells the bus how far it is complete, this often. */
  readonly idleWatermarkIntervalMs?: number;
}

export interface CollectorDeps {
  readonly exchanges: ReadonlyMap<string, ExchangeAdapter>;
  readonly tradeLog: TradeLogWriter;
  /** Desired subscriptions (written by the API's pull/stop). */
  readonly subscriptions: KeyValueStore;
  /** Last id each stream delivered to the bus: where a restarted collector resumes. */
  readonly checkpoints: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly config: CollectorConfig;
}

export interface Collector {
  start(): Promise<void>;
  /** Flushes what was collected to the bus, then closes the feeds. */
  stop(): Promise<void>;
  /** Resolves once everything received so far reached the bus. */
  flush(): Promise<void>;
  readonly streams: ReadonlyMap<string, CollectedStream>;
}

interface FeedState {
  readonly feed: TradeFeed;
  /** Symbols on a connection that is up (one feed may hold several connections). */
  readonly connected: Set<string>;
  unreachableLogged: boolean;
}

export function createCollector(deps: CollectorDeps): Collector {
  const { clock, logger, metrics, config } = deps;
  const tradesIn = metrics.counter('exgate_collector_trades_total', 'Prints received from exchanges');
  const rejected = metrics.counter('exgate_frames_rejected_total', 'Exchange frames rejected, by kind');
  const streamEvents = metrics.counter('exgate_collector_stream_events_total', 'Duplicates, gaps, backfills, overflows');
  const published = metrics.counter('exgate_collector_published_total', 'Prints acknowledged by the bus');
  const connected = metrics.gauge('exgate_collector_connected', 'Exchange connection up (1) or down (0)');

  const feeds = new Map<string, FeedState>();
  const streams = new Map<string, CollectedStream>();
  /** Streams that saw a live print since their feed (re)connected: only those vouch for time. */
  const liveSince = new Map<string, number>();
  const rejectionKindsLogged = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | null = null;
  let busDownLogged = false;
  const watermarkSentAt = new Map<string, number>();
  let unwatch: Unsubscribe | undefined;

  /** Each adapter is built for one print stream (trade or aggTrade). */
  const kindOf = (exchange: string): TradeKind => deps.exchanges.get(exchange)!.info.tradeKind;

  /** Created once per stream, even when prints and a subscription race to create it. */
  const opening = new Map<string, Promise<CollectedStream>>();
  function streamFor(exchange: string, symbol: string): Promise<CollectedStream> {
    const kind = kindOf(exchange);
    const key = `${exchange}.${symbol}.${kind}`;
    let stream = opening.get(key);
    if (!stream) {
      stream = deps.checkpoints.get(key).then((saved) => {
        const created = new CollectedStream({
          exchange, symbol, kind,
          rest: deps.exchanges.get(exchange)!.rest,
          logger, lastId: saved === undefined ? null : Number.parseInt(saved, 10),
          backfillPageSize: config.backfillPageSize,
          maxBuffered: config.maxBufferedPerStream,
          onStats: (e: StreamEvent) => streamEvents.inc({ exchange, symbol, event: e.type }, amountOf(e)),
        });
        streams.set(key, created);
        // A restart: what was printed while no collector ran is fetched now, quiet market or not.
        created.catchUp();
        return created;
      });
      opening.set(key, stream);
    }
    return stream;
  }

  function feedFor(exchange: string): FeedState {
    let state = feeds.get(exchange);
    if (state) return state;
    const adapter = deps.exchanges.get(exchange)!;
    const feed = adapter.createFeed({
      events: {
        onTrades: (trades) => onTrades(exchange, trades),
        onStatus: (status) => onStatus(exchange, status),
        onRejected: (rejection) => onRejected(exchange, rejection),
      },
    });
    state = { feed, connected: new Set(), unreachableLogged: false };
    feeds.set(exchange, state);
    feed.start();
    return state;
  }

  /**
   * Per stream, the newest frame: its event time against when we read it tracks the exchange's
   * clock as that stream sees it (a lagging connection must not let another stream's clock close
   * its buckets).
   */
  const lastFrame = new Map<string, { eventTimeMs: number; receivedAtMs: number }>();

  function onTrades(exchange: string, trades: readonly Trade[]): void {
    const bySymbol = new Map<string, Trade[]>();
    for (const t of trades) {
      const key = `${exchange}.${t.symbol}.${t.kind}`;
      const frame = lastFrame.get(key);
      if (!frame || t.eventTimeMs >= frame.eventTimeMs) lastFrame.set(key, { eventTimeMs: t.eventTimeMs, receivedAtMs: t.receivedAtMs });
      const list = bySymbol.get(t.symbol);
      if (list) list.push(t);
      else bySymbol.set(t.symbol, [t]);
    }
    for (const [symbol, list] of bySymbol) {
      tradesIn.inc({ exchange, symbol }, list.length);
      const key = `${exchange}.${symbol}.${kindOf(exchange)}`;
      if (!liveSince.has(key)) liveSince.set(key, clock.nowMs());
      void streamFor(exchange, symbol).then((s) => s.ingest(list));
    }
  }

  function onStatus(exchange: string, status: FeedStatus): void {
    const state = feeds.get(exchange);
    if (!state) return;
    if (status.state === 'connected') {
      for (const symbol of status.symbols) {
        state.connected.add(symbol);
        // A reconnect: prints of the time away are fetched now, not when the next one shows the hole.
        streams.get(`${exchange}.${symbol}.${kindOf(exchange)}`)?.catchUp();
      }
      connected.set(1, { exchange });
      if (state.unreachableLogged) logger.info({ exchange, url: status.url }, 'exchange reachable again');
      state.unreachableLogged = false;
      return;
    }
    if (status.state === 'disconnected') {
      for (const symbol of status.symbols) {
        state.connected.delete(symbol);
        // Until a fresh print proves by its id what was missed, nothing after now is vouched for.
        liveSince.delete(`${exchange}.${symbol}.${kindOf(exchange)}`);
      }
      connected.set(state.connected.size > 0 ? 1 : 0, { exchange });
      // Say it once, clearly; the feed keeps retrying with backoff (no retry: we are stopping).
      if (!state.unreachableLogged && status.retryInMs !== null) {
        logger.warn({ exchange, reason: status.reason, retryInMs: status.retryInMs }, 'exchange unreachable; retrying with backoff');
        state.unreachableLogged = true;
      }
    }
  }

  function onRejected(exchange: string, rejection: FrameRejection): void {
    rejected.inc({ exchange, kind: rejection.kind });
    const once = `${exchange}:${rejection.kind}`;
    if (rejectionKindsLogged.has(once)) return;
    rejectionKindsLogged.add(once);
    logger.warn({ exchange, kind: rejection.kind, reason: rejection.reason, sample: rejection.sample }, 'frame rejected (logged once per kind; see exgate_frames_rejected_total)');
  }

  /**
   * Exchange time up to which the stream is complete: the exchange's clock (the newest frame's
   * event time, moved on by the time since we read it) less the allowance for frames still on
   * the way. The exchange's clock, not ours: a skewed host or a recorded replay must not close
   * buckets the exchange has not reached.
   */
  function watermarkOf(stream: CollectedStream): number | null {
    const state = feeds.get(stream.exchange);
    const frame = lastFrame.get(stream.key);
    if (!frame || !state?.connected.has(stream.symbol) || !liveSince.has(stream.key) || stream.busy) return null;
    return frame.eventTimeMs + Math.max(0, clock.nowMs() - frame.receivedAtMs) - config.latencyAllowanceMs;
  }

  async function flushOnce(): Promise<void> {
    const taken: { stream: CollectedStream; batch: TradeBatch; commit: () => void }[] = [];
    const now = clock.nowMs();
    for (const stream of streams.values()) {
      // Quiet streams send a watermark-only batch once per interval, not on every flush.
      const quiet = stream.idle && now - (watermarkSentAt.get(stream.key) ?? -Infinity) < (config.idleWatermarkIntervalMs ?? 1_000);
      const t = stream.take(quiet ? null : watermarkOf(stream));
      if (!t) continue;
      taken.push({ stream, ...t });
      if (t.batch.watermarkMs !== null) watermarkSentAt.set(stream.key, now);
    }
    if (taken.length === 0) return;
    try {
      await deps.tradeLog.publish(taken.map((t) => t.batch));
    } catch (e) {
      for (const t of taken) t.stream.restore(t.batch);
      if (!busDownLogged) {
        logger.error({ err: errorMessage(e), buffered: taken.reduce((n, t) => n + t.batch.trades.length, 0) }, 'bus unavailable: buffering prints (bounded) until it returns');
        busDownLogged = true;
      }
      return;
    }
    if (busDownLogged) logger.info('bus available again: buffered prints delivered');
    busDownLogged = false;
    for (const t of taken) {
      t.commit();
      published.inc({ exchange: t.batch.exchange, symbol: t.batch.symbol }, t.batch.trades.length);
      const id = t.stream.publishedId;
      if (t.batch.trades.length > 0 && id !== null) await deps.checkpoints.put(t.stream.key, String(id));
    }
  }

  function flush(): Promise<void> {
    flushing ??= flushOnce().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  async function apply(key: string, value: string | undefined): Promise<void> {
    const [exchange, symbol] = key.split('.');
    if (!exchange || !symbol || !deps.exchanges.has(exchange)) return;
    if (value === undefined) {
      await feedFor(exchange).feed.unsubscribe([symbol]);
      logger.info({ exchange, symbol }, 'stopped pulling');
      return;
    }
    const sub = decodeSubscriptionRecord(value);
    if (!sub) {
      logger.warn({ key }, 'ignoring a subscription this version cannot read');
      return;
    }
    await streamFor(exchange, symbol);
    await feedFor(exchange).feed.subscribe([symbol]);
    logger.info({ exchange, symbol, interval: sub.interval }, 'pulling');
  }

  return {
    streams,
    async start() {
      unwatch = await deps.subscriptions.watch((key, value) => {
        apply(key, value).catch((e: unknown) => logger.error({ key, err: errorMessage(e) }, 'subscription change failed'));
      });
      for (const [key, value] of await deps.subscriptions.entries()) await apply(key, value);
      timer = setInterval(() => void flush(), config.flushIntervalMs);
    },
    async flush() {
      for (const s of streams.values()) await s.settled();
      await flush();
      await flush();
    },
    async stop() {
      unwatch?.();
      if (timer) clearInterval(timer);
      for (const state of feeds.values()) await state.feed.stop();
      for (const s of streams.values()) await s.settled();
      await flush();
      await flush();
    },
  };
}

function amountOf(e: StreamEvent): number {
  switch (e.type) {
    case 'duplicates': case 'backfilled': return e.count;
    case 'gap': return e.missing;
    case 'overflow': return e.dropped;
    case 'unfilled': return 1;
  }
}
