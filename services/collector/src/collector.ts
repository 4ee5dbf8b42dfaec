import { streamKey, parseStreamKey, type Trade, type TradeBatch } from '@exgate/domain';
import { errorMessage } from '@exgate/errors';
import type { ExchangeAdapter, FeedStatus, FrameRejection, TradeFeed } from '@exgate/exchanges';
import { decodeSubscriptionRecord, upgradeSubscriptionKeys, type KeyValueStore, type TradeLogWriter, type Unsubscribe } from '@exgate/bus';
import { TurnBudget, type Clock, type CounterSeries, type Logger, type MetricsRegistry } from '@exgate/runtime';
import { PacedCheckpoints, type Checkpoints } from './checkpoints';
import { CollectedStream, type StreamEvent } from './stream';

export interface CollectorConfig {
  /** How often collected prints are handed to the bus. */
  readonly flushIntervalMs: number;
  /** Per stream, prints held while the bus is down before the stream falls back to refetching. */
  readonly maxBufferedPerStream: number;
  /** Prints may reach us this late; the watermark trails the clock by it. */
  readonly latencyAllowanceMs: number;
  /** A stream with no prints still tells the bus how far it is complete, this often. */
  readonly idleWatermarkIntervalMs?: number;
  /** How often what the bus acknowledged is written as checkpoints (default: every flush). */
  readonly checkpointIntervalMs?: number;
}

export interface CollectorDeps {
  readonly exchanges: ReadonlyMap<string, ExchangeAdapter>;
  readonly tradeLog: TradeLogWriter;
  /** Desired subscriptions (written by the API's pull/stop), keyed by stream name. */
  readonly subscriptions: KeyValueStore;
  /** Last print each stream delivered to the bus: where a restarted collector resumes. */
  readonly checkpoints: Checkpoints;
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

interface Arrival {
  readonly received: CounterSeries;
  readonly published: CounterSeries;
  waiting: number;
  /** The stream once open: a frame's prints reach it without its name being built. */
  open?: CollectedStream;
}

/** A stream's batch taken for the bus, and how to mark it sent once the bus acknowledged it. */
interface Taken {
  readonly stream: CollectedStream;
  readonly batch: TradeBatch;
  readonly commit: () => void;
}

interface FeedState {
  readonly feed: TradeFeed;
  /** Connections that are up (one feed may hold several). */
  readonly up: Set<string>;
  unreachableLogged: boolean;
}

/**
 * Keeps a feed per exchange and a CollectedStream per pulled symbol, and hands the streams'
 * batches to the bus. Every fact about one stream lives in its CollectedStream.
 */
export function createCollector(deps: CollectorDeps): Collector {
  const { clock, logger, metrics, config } = deps;
  const tradesIn = metrics.counter('exgate_collector_trades_total', 'Prints received from exchanges');
  const rejected = metrics.counter('exgate_frames_rejected_total', 'Exchange frames rejected, by kind');
  const streamEvents = metrics.counter('exgate_collector_stream_events_total', 'Duplicates, gaps, backfills, overflows');
  const published = metrics.counter('exgate_collector_published_total', 'Prints acknowledged by the bus');
  const connected = metrics.gauge('exgate_collector_connected', 'Exchange connection up (1) or down (0)');

  const feeds = new Map<string, FeedState>();
  const streams = new Map<string, CollectedStream>();
  /** Created once per stream, even when prints and a subscription race to create it. */
  const opening = new Map<string, Promise<CollectedStream>>();
  /**
   * Per exchange, per symbol: the stream's counts of prints, and how many deliveries wait for it to
   * open. Looked up by the frame's own strings: building the stream's name per frame was 3.6 % of
   * the collector's profile at 50,000 prints/s.
   */
  const arrivals = new Map<string, Map<string, Arrival>>();
  const rejectionKindsLogged = new Set<string>();
  const checkpoints = new PacedCheckpoints(deps.checkpoints, config.checkpointIntervalMs ?? 0);
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | null = null;
  let busDownLogged = false;
  let checkpointsDownLogged = false;
  let unwatch: Unsubscribe | undefined;
  let changes: Promise<void> = Promise.resolve();

  function streamFor(exchange: string, symbol: string): Promise<CollectedStream> {
    const key = streamKey(exchange, symbol);
    let stream = opening.get(key);
    if (!stream) {
      const adapter = deps.exchanges.get(exchange)!;
      const { info } = adapter;
      const kind = info.tradeKind;
      stream = deps.checkpoints.get({ exchange, symbol, kind }).then((saved) => {
        const created = new CollectedStream({
          exchange, symbol, kind, capabilities: info.capabilities, rest: adapter.rest, logger,
          lastId: saved?.lastId ?? null,
          backfillPageSize: info.limits.backfillPageSize,
          maxBuffered: config.maxBufferedPerStream,
          onStats: (e: StreamEvent) => streamEvents.inc({ exchange, symbol, event: e.type }, amountOf(e)),
        });
        // A restart is a disconnection: what was printed while no collector ran is fetched now
        // (quiet market or not), or, where the exchange cannot give it back, declared lost.
        if (saved) created.liveness.resumedAfter(saved.lastTimeMs);
        created.catchUp();
        streams.set(key, created);
        return created;
      });
      opening.set(key, stream);
    }
    return stream;
  }

  function feedFor(exchange: string): FeedState {
    let state = feeds.get(exchange);
    if (state) return state;
    const feed = deps.exchanges.get(exchange)!.createFeed({
      events: {
        onTrades: (trades) => onTrades(exchange, trades),
        onStatus: (status) => onStatus(exchange, status),
        onRejected: (rejection) => onRejected(exchange, rejection),
      },
    });
    state = { feed, up: new Set(), unreachableLogged: false };
    feeds.set(exchange, state);
    feed.start();
    return state;
  }

  /** Called per frame: most carry one symbol, handed on as they are. */
  function onTrades(exchange: string, trades: readonly Trade[]): void {
    const symbol = trades[0]?.symbol;
    if (symbol === undefined) return;
    if (trades.every((t) => t.symbol === symbol)) {
      deliver(exchange, symbol, trades);
      return;
    }
    const bySymbol = new Map<string, Trade[]>();
    for (const t of trades) {
      const list = bySymbol.get(t.symbol);
      if (list) list.push(t);
      else bySymbol.set(t.symbol, [t]);
    }
    for (const [s, list] of bySymbol) deliver(exchange, s, list);
  }

  function arrivalOf(exchange: string, symbol: string): Arrival {
    let bySymbol = arrivals.get(exchange);
    if (!bySymbol) {
      bySymbol = new Map();
      arrivals.set(exchange, bySymbol);
    }
    let arrival = bySymbol.get(symbol);
    if (!arrival) {
      arrival = { received: tradesIn.labels({ exchange, symbol }), published: published.labels({ exchange, symbol }), waiting: 0 };
      bySymbol.set(symbol, arrival);
    }
    return arrival;
  }

  function deliver(exchange: string, symbol: string, trades: readonly Trade[]): void {
    const arrival = arrivalOf(exchange, symbol);
    arrival.received.inc(trades.length);
    // Straight to an open stream, unless earlier prints still wait for it to open: they go first.
    const open = (arrival.open ??= streams.get(streamKey(exchange, symbol)));
    if (open && arrival.waiting === 0) {
      open.receive(trades);
      return;
    }
    arrival.waiting += 1;
    void streamFor(exchange, symbol).then((s) => {
      arrival.waiting -= 1;
      s.receive(trades);
    });
  }

  function onStatus(exchange: string, status: FeedStatus): void {
    const state = feeds.get(exchange);
    if (!state || status.state === 'connecting') return;
    if (status.state === 'alive') {
      for (const symbol of status.symbols) streams.get(streamKey(exchange, symbol))?.liveness.alive(status.atMs);
      return;
    }
    if (status.state === 'unread') {
      for (const symbol of status.symbols) streams.get(streamKey(exchange, symbol))?.unread();
      return;
    }
    const up = status.state !== 'disconnected';
    if (up) state.up.add(status.connection);
    else state.up.delete(status.connection);
    for (const symbol of status.symbols) {
      const stream = streams.get(streamKey(exchange, symbol));
      if (!stream) continue;
      if (!up) stream.liveness.down(status.state === 'disconnected' && status.cause === 'sequence-gap');
      else {
        stream.liveness.up();
        // A reconnect: prints of the time away are fetched now, not when the next one shows the hole.
        stream.catchUp();
      }
    }
    connected.set(state.up.size > 0 ? 1 : 0, { exchange });
    if (status.state === 'connected') {
      if (state.unreachableLogged) logger.info({ exchange, url: status.url }, 'exchange reachable again');
      state.unreachableLogged = false;
    } else if (status.state === 'disconnected' && !state.unreachableLogged && status.retryInMs !== null) {
      // Said once, clearly; the feed keeps retrying with backoff (no retry: we are stopping).
      logger.warn({ exchange, reason: status.reason, retryInMs: status.retryInMs }, 'exchange unreachable; retrying with backoff');
      state.unreachableLogged = true;
    }
  }

  function onRejected(exchange: string, rejection: FrameRejection): void {
    rejected.inc({ exchange, kind: rejection.kind });
    const once = `${exchange}:${rejection.kind}`;
    if (rejectionKindsLogged.has(once)) return;
    rejectionKindsLogged.add(once);
    logger.warn({ exchange, kind: rejection.kind, reason: rejection.reason, sample: rejection.sample }, 'frame rejected (logged once per kind; see exgate_frames_rejected_total)');
  }

  async function flushOnce(): Promise<void> {
    const taken: Taken[] = [];
    const now = clock.nowMs();
    for (const stream of streams.values()) {
      // Quiet streams send a watermark-only batch once per interval, not on every flush.
      const quiet = stream.idle && now - stream.watermarkSentAtMs < (config.idleWatermarkIntervalMs ?? 1_000);
      const t = stream.take(quiet ? null : stream.liveness.watermark(config.latencyAllowanceMs));
      if (!t) continue;
      taken.push({ stream, ...t });
      if (t.batch.watermarkMs !== null) stream.watermarkSentAtMs = now;
    }
    if (taken.length > 0) await publish(taken);
    await writeCheckpoints(false);
  }

  /**
   * Not fatal when the KV is away: an older checkpoint only means fetching again after a restart
   * what the bus already has. What was not written is written with the next.
   */
  async function writeCheckpoints(all: boolean): Promise<void> {
    try {
      const written = await checkpoints.write(clock.nowMs(), all);
      if (written > 0 && checkpointsDownLogged) {
        logger.info({ written }, 'checkpoints written again');
        checkpointsDownLogged = false;
      }
    } catch (e) {
      if (!checkpointsDownLogged) logger.warn({ err: errorMessage(e) }, 'checkpoints not written; kept for the next write');
      checkpointsDownLogged = true;
    }
  }

  async function publish(taken: readonly Taken[]): Promise<void> {
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
    // In turns of the budget: 500 streams' commits with their checkpoint puts held the loop for
    // ~40 ms in one.
    const budget = TurnBudget.process;
    for (const t of taken) {
      await budget.pass();
      t.commit();
      const { exchange, symbol } = t.batch;
      arrivalOf(exchange, symbol).published.inc(t.batch.trades.length);
      const last = t.batch.trades[t.batch.trades.length - 1];
      if (last) checkpoints.note(t.stream, { kind: t.stream.kind, lastId: last.id, lastTimeMs: last.exchangeTimeMs });
    }
  }

  function flush(): Promise<void> {
    flushing ??= flushOnce().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  /**
   * A subscription change. `acknowledged`: resolves once the exchange acknowledged it (at start);
   * otherwise once the stream is ready and the feed has the change, the answer logged when it comes.
   */
  async function apply(key: string, value: string | undefined, o: { acknowledged: boolean } = { acknowledged: true }): Promise<void> {
    const ref = parseStreamKey(key);
    if (!ref || !deps.exchanges.has(ref.exchange)) return;
    const { exchange, symbol } = ref;
    if (value === undefined) {
      return answered(feedFor(exchange).feed.unsubscribe([symbol]), () => logger.info({ exchange, symbol }, 'stopped pulling'), key, o);
    }
    const sub = decodeSubscriptionRecord(value);
    if (!sub) {
      logger.warn({ key }, 'ignoring a subscription this version cannot read');
      return;
    }
    await streamFor(exchange, symbol);
    return answered(feedFor(exchange).feed.subscribe([symbol]), () => logger.info({ exchange, symbol, interval: sub.interval }, 'pulling'), key, o);
  }

  function answered(change: Promise<void>, done: () => void, key: string, o: { acknowledged: boolean }): Promise<void> {
    const logged = change.then(done);
    if (o.acknowledged) return logged;
    logged.catch((e: unknown) => logger.error({ key, err: errorMessage(e) }, 'subscription change failed'));
    return Promise.resolve();
  }

  async function drain(): Promise<void> {
    for (const s of streams.values()) await s.settled();
    await flush();
    await flush();
    await writeCheckpoints(true);
  }

  return {
    streams,
    async start() {
      const moved = await upgradeSubscriptionKeys(deps.subscriptions);
      if (moved > 0) logger.info({ moved }, 'subscriptions re-keyed by stream name');
      const upgraded = (await deps.checkpoints.open?.((exchange) => deps.exchanges.get(exchange)?.info.tradeKind)) ?? 0;
      if (upgraded > 0) logger.info({ upgraded }, 'checkpoints re-keyed by stream name');
      unwatch = await deps.subscriptions.watch((key, value) => {
        // One change at a time, up to the feed, in turns of the budget: a burst of pulls (hundreds
        // at once) applied in one turn held the loop for 90–120 ms at 500 (0.5 s when each also
        // read its checkpoint from NATS). The exchange's acknowledgements are awaited concurrently.
        changes = changes
          .then(() => TurnBudget.process.pass())
          .then(() => apply(key, value, { acknowledged: false }))
          .catch((e: unknown) => logger.error({ key, err: errorMessage(e) }, 'subscription change failed'));
      });
      for (const [key, value] of await deps.subscriptions.entries()) await apply(key, value);
      timer = setInterval(() => void flush(), config.flushIntervalMs);
    },
    flush: drain,
    async stop() {
      unwatch?.();
      if (timer) clearInterval(timer);
      // Losses still open (a disconnection no print closed), before the stop itself cuts anything.
      for (const s of streams.values()) s.declareOpenLoss();
      for (const state of feeds.values()) await state.feed.stop();
      await drain();
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
