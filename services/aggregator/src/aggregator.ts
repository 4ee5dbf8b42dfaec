import type { Candle, IngestOutcome, IntervalId, Trade, TradeBatch } from '@exgate/domain';
import type { CandleLogWriter, EventBus, TradeDelivery, TradeLogReader, Unsubscribe } from '@exgate/bus';
import { LIVE_TRADES_PER_MESSAGE, subjects } from '@exgate/bus';
import { errorMessage, isExgateError } from '@exgate/errors';
import { decodeTick, encodeCandle, encodeTradeBatch } from '@exgate/proto';
import { TurnBudget, type Clock, type Counter, type CounterSeries, type Logger, type MetricsRegistry } from '@exgate/runtime';
import type { MarketStore } from '@exgate/store';
import { InOrderBehind } from './behind';
import { SerialQueue } from './serial-queue';
import { Streams, type StreamState } from './streams';

/**
 * Prints per store insert at most (unless one batch holds more); a group holding more is written
 * in parts, in order. The engine's cost a row falls with the insert's size (fewer parts to write
 * and merge: 4.2–4.7 µs of the process's CPU a trade row in inserts of 10,000, 2.8–2.9 in inserts
 * of 50,000), and a write is built across turns (TurnBudget), so the bound is the store's one
 * insert (`batchRows`' default: past it the store makes row objects first). Only a group that
 * holds this many makes inserts this large: a backlog, never a live market's pace.
 */
export const PRINTS_PER_WRITE = 50_000;
/**
 * Candle rows per store insert at most: the engine's cost a candle row falls from 12.2–12.5 µs of
 * CPU in inserts of 2,000 to 5.8–6.4 in inserts of 10,000, and no further past it. A part's rows
 * and its live updates are built and sent across turns.
 */
export const CANDLES_PER_WRITE = 10_000;

export interface AggregatorConfig {
  readonly intervals: readonly IntervalId[];
  /** A late print within this window after a candle closed corrects it. */
  readonly graceMs: number;
  /** Publish forming candles, and the prints once stored, on NATS after each batch (the websocket push). */
  readonly liveUpdates: boolean;
  /** Default PRINTS_PER_WRITE; tests make it small to split a group into several writes. */
  readonly printsPerWrite?: number;
}

export interface AggregatorDeps {
  readonly tradeLog: TradeLogReader;
  readonly store: MarketStore;
  readonly candleLog: CandleLogWriter;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly config: AggregatorConfig;
  /**
   * Consumption ended without stop() (a store write failed, the log gave up). Uncommitted batches
   * are redelivered to whoever reads next, so a process should exit and be restarted.
   */
  readonly onConsumptionStopped?: (error: unknown) => void;
}

export interface Aggregator {
  /** Consumes until stop(); resolves once consumption started. */
  start(): Promise<void>;
  /** Finishes the batch in hand (its offsets are committed), then stops. */
  stop(): Promise<void>;
  /** Streams this instance holds candles for, `exchange:symbol`. */
  readonly streams: ReadonlySet<string>;
  /** False once consumption has ended (readiness). */
  readonly consuming: boolean;
}

/**
 * Trades from the log → candles of every interval → the candle topic and ClickHouse. A stream's
 * engine is restored from the store when the stream is first seen (start, or its partition
 * assigned) and dropped when its partition is revoked or a write fails. Each batch is stored and
 * published before its offset is committed, so a crash replays it, and the restored engine takes
 * what the stored candles counted as duplicates (docs/adr/0007-aggregator-recovery.md).
 */
export function createAggregator(deps: AggregatorDeps): Aggregator {
  const { logger, config } = deps;
  const m = {
    trades: deps.metrics.counter('exgate_aggregator_trades_total', 'Prints consumed, by outcome'),
    candles: deps.metrics.counter('exgate_aggregator_candles_total', 'Candles closed or corrected'),
    lag: deps.metrics.gauge('exgate_aggregator_watermark_lag_ms', 'Clock minus the collector watermark'),
    // The lag above freezes when batches stop coming; Prometheus computes the true lag from this
    // (time() * 1000 - max by (exchange, symbol)), across replicas and while a feed is down.
    watermark: deps.metrics.gauge('exgate_aggregator_watermark_ms', 'Newest collector watermark per stream: every print up to this exchange time (ms since the epoch) is in'),
  };
  // Counted per print: each outcome's series is taken once, its labels rendered once.
  const byOutcome = outcomeSeries(m.trades);
  const byCandle = new Map<string, CounterSeries>();
  const candleSeries = (interval: IntervalId, state: string): CounterSeries => {
    const key = `${interval} ${state}`;
    let series = byCandle.get(key);
    if (!series) byCandle.set(key, (series = m.candles.labels({ interval, state })));
    return series;
  };
  const streams = new Streams(deps.store, config, logger, deps.metrics);
  const queue = new SerialQueue();
  let unsubscribeTicks: Unsubscribe | undefined;
  let running: Promise<void> | undefined;
  let consuming = false;

  /** What a write of candles holds: every forming candle of its streams, then the closed ones. */
  interface CandleWrite {
    readonly forming: readonly Candle[];
    readonly closed: readonly Candle[];
    /** The closed candles encoded once, for the topic and for the live updates. */
    readonly closedBytes: readonly Uint8Array[];
  }

  async function candlesOf(states: readonly StreamState[]): Promise<CandleWrite> {
    const budget = TurnBudget.process;
    const closed = states.flatMap((s) => s.emitted.splice(0, s.emitted.length));
    // 500 streams' forming candles (8,000) built in one turn held the loop for ~60 ms.
    const forming: Candle[] = [];
    for (const s of states) {
      await budget.pass();
      for (const c of s.engine.formingAll()) forming.push(c);
    }
    return { forming, closed, closedBytes: await budget.map(closed, (c) => encodeCandle(c)) };
  }

  /**
   * Closed candles go to the topic before the store: once the store has them, a restored engine
   * counts them as published and would not send them again.
   */
  async function publishClosed({ closed, closedBytes }: CandleWrite): Promise<void> {
    if (closed.length > 0) await deps.candleLog.publish(closed, closedBytes);
  }

  async function storeCandles({ forming, closed, closedBytes }: CandleWrite): Promise<void> {
    const budget = TurnBudget.process;
    // Forming rows first: a closed row (higher version) always wins after it.
    const rows = [...forming, ...closed];
    // In parts, the event loop free between them once the turn's budget is spent: 500 streams'
    // forming candles (8,000 rows) built and sent in one turn stalled it for 100 ms (ADR 0018).
    // Live updates follow the part the store has.
    for (let i = 0; i < rows.length; i += CANDLES_PER_WRITE) {
      await budget.pass();
      const part = rows.slice(i, i + CANDLES_PER_WRITE);
      await deps.store.upsertCandles(part);
      if (config.liveUpdates) {
        for (let j = i; j < i + part.length; j++) {
          if ((j & 63) === 0) await budget.pass();
          const c = rows[j]!;
          const bytes = j < forming.length ? encodeCandle(c) : closedBytes[j - forming.length]!;
          deps.events.publish(subjects.candle(c.exchange, c.symbol, c.interval), bytes);
        }
      }
    }
    for (const c of closed) candleSeries(c.interval, c.state).inc();
  }

  async function persist(states: readonly StreamState[]): Promise<void> {
    const candles = await candlesOf(states);
    await publishClosed(candles);
    await storeCandles(candles);
  }

  /** Runs a write for these streams; if it fails their engines are ahead of the store: forget them. */
  async function guarded(states: Iterable<StreamState>, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (e) {
      streams.forget(states);
      throw e;
    }
  }

  /**
   * A group of consecutive messages of one partition (ADR 0018): each batch applied to its
   * stream's engine in log order, then one insert of their prints and one of their candles per
   * write, instead of two per message. With hundreds of streams a message holds a few prints, and
   * a store request per message was what the aggregator spent its time on.
   */
  async function onGroup(deliveries: readonly TradeDelivery[]): Promise<void> {
    const pending = { trades: [] as Trade[], batches: [] as TradeDelivery[], changed: new Set<StreamState>() };
    const touched = new Set<StreamState>();
    // A fetched group of 500 streams applied in one go held the loop for 60–140 ms (ADR 0018).
    const budget = TurnBudget.process;
    // The engine stores a write's candles while the next write is applied, encoded, inserted and
    // published: awaited in line, the main thread sat idle through them (4.5 s of the 16.6 s a
    // million prints spent in writes, ADR 0019). One store of candles at a time, in order (a
    // forming row never overtakes a newer one), each after its own prints are stored and its
    // closed candles published (ADR 0007); the group ends, and commits, once all are stored.
    const candleStores = new InOrderBehind();
    const write = async () => {
      candleStores.check();
      if (pending.trades.length > 0) await deps.store.insertTrades(pending.trades);
      // Live as soon as stored: a reader of `recent` (from memory) is behind the store only as
      // long as this takes, not for the rest of a group (a replay's holds thousands of prints).
      if (config.liveUpdates) for (const delivery of pending.batches) publishTrades(delivery);
      if (pending.changed.size > 0) {
        const candles = await candlesOf([...pending.changed]);
        await publishClosed(candles);
        candleStores.add(() => storeCandles(candles));
      }
      pending.trades = [];
      pending.batches = [];
      pending.changed.clear();
    };
    await guarded(touched, async () => {
      try {
        await applyAndWrite();
      } finally {
        // A failed write must not leave a store of candles running past its group.
        await candleStores.idle();
      }
      await candleStores.settled();
    });

    async function applyAndWrite(): Promise<void> {
      const newest = await streams.newestOf(deliveries.map((d) => d.batch));
      const bound = config.printsPerWrite ?? PRINTS_PER_WRITE;
      for (const delivery of deliveries) {
        const { batch, partition } = delivery;
        await budget.pass();
        const state = await streams.of(batch, partition, newest);
        // A bound on one insert's size (a replay's group can hold a million prints). Checked before
        // the batch is applied: a write's candles count exactly the prints it stores.
        if (pending.trades.length > 0 && pending.trades.length + batch.trades.length > bound) await write();
        touched.add(state);
        apply(state, batch);
        for (const t of batch.trades) pending.trades.push(t);
        if (batch.trades.length > 0) pending.batches.push(delivery);
        // A watermark that closed nothing changed no candle: every quiet stream sends one a second,
        // and writing its unchanged forming candles each time is what 500 idle series cost the store.
        if (batch.trades.length > 0 || batch.gap !== null || state.emitted.length > 0) pending.changed.add(state);
      }
      await write();
    }
  }

  /**
   * Live prints for the dialects' trade streams, once stored (so a client that sees one can also
   * read it back). Best effort, like candle updates: a replayed batch is sent again, and the
   * receivers drop ids they have already sent on.
   */
  function publishTrades({ batch, payload }: TradeDelivery): void {
    const subject = subjects.trades(batch.exchange, batch.symbol);
    try {
      // The message as it came (the same bytes the batch encodes to, gap aside): encoding every
      // print again was a twelfth of the distributed aggregator's CPU.
      if (payload && batch.gap === null && batch.trades.length <= LIVE_TRADES_PER_MESSAGE) {
        deps.events.publish(subject, payload);
        return;
      }
      for (let i = 0; i < batch.trades.length; i += LIVE_TRADES_PER_MESSAGE) {
        const trades = batch.trades.slice(i, i + LIVE_TRADES_PER_MESSAGE);
        deps.events.publish(subject, encodeTradeBatch({ ...batch, trades, gap: null }));
      }
    } catch (e) {
      // Stored and committed regardless: live subscribers miss these, REST still has them.
      logger.warn({ err: errorMessage(e), subject }, 'could not publish live trades');
    }
  }

  function apply(state: StreamState, batch: TradeBatch): void {
    // The gap first: prints after a loss must not close the buckets it covers as complete.
    if (batch.gap) state.engine.markGap(batch.gap.fromMs, batch.gap.toMs);
    for (const t of batch.trades) byOutcome[state.engine.ingest(t)].inc();
    if (batch.watermarkMs !== null) {
      state.watermarkMs = Math.max(state.watermarkMs ?? batch.watermarkMs, batch.watermarkMs);
      state.engine.advanceTo(batch.watermarkMs);
      m.lag.set(deps.clock.nowMs() - batch.watermarkMs, { exchange: batch.exchange, symbol: batch.symbol });
      m.watermark.set(state.watermarkMs, { exchange: batch.exchange, symbol: batch.symbol });
    }
  }

  async function onTick(exchange: string, tickTimeMs: number): Promise<void> {
    const due = streams.all().filter((s) => s.key.startsWith(`${exchange}:`) && s.watermarkMs !== null);
    await guarded(due, async () => {
      for (const s of due) s.engine.advanceTo(Math.min(tickTimeMs, s.watermarkMs!));
      await persist(due);
    });
  }

  /**
   * Another instance carries on from the store. Everything applied is stored already (each batch
   * and tick persists), so this only sends what is due and forgets; it never rewrites forming rows
   * the new owner may have moved on since.
   */
  async function onRevoked(partitions: readonly number[]): Promise<void> {
    const leaving = streams.inPartitions(partitions);
    const due = leaving.filter((s) => s.emitted.length > 0);
    try {
      if (due.length > 0) await persist(due);
    } catch (e) {
      logger.warn({ err: errorMessage(e), streams: due.map((s) => s.key) }, 'could not flush revoked streams; their new owner rebuilds them from the store');
    }
    streams.forget(leaving);
    if (leaving.length > 0) logger.info({ partitions, streams: leaving.map((s) => s.key) }, 'partitions revoked: streams handed over');
  }

  return {
    get streams() {
      return streams.keys;
    },
    get consuming() {
      return consuming;
    },
    async start() {
      unsubscribeTicks = deps.events.subscribe(subjects.allTicks, (payload) => {
        let tick;
        try {
          tick = decodeTick(payload);
        } catch (e) {
          logger.warn({ err: errorMessage(e) }, 'ignoring an unreadable tick');
          return;
        }
        queue
          .run(() => onTick(tick.exchange, tick.tickTimeMs))
          .catch((e: unknown) => logger.error({ err: errorMessage(e), exchange: tick.exchange }, 'tick failed'));
      });
      running = deps.tradeLog
        .run((deliveries) => queue.run(() => onGroup(deliveries)), {
          // Whatever we held of a partition given back to us may be stale: its streams restore.
          onAssigned: (partitions) => queue.run(async () => streams.forget(streams.inPartitions(partitions))),
          onRevoked: (partitions) => queue.run(() => onRevoked(partitions)),
        })
        .then(
          () => {
            consuming = false;
          },
          (e: unknown) => {
            consuming = false;
            logger.error({ err: errorMessage(e) }, 'trade consumption stopped');
            deps.onConsumptionStopped?.(e);
          },
        );
      consuming = true;
    },
    async stop() {
      unsubscribeTicks?.();
      await deps.tradeLog.close();
      await running;
      await queue.idle();
    },
  };
}

/**
 * The trade reader's hook (OnHandlerRetry) as a metric: the passing failures it rode out (a write,
 * or a new consumer's start, while the store or Kafka was away), by the error's code; each is
 * followed by a delivery from the committed position. A rate that does not return to zero means
 * the store or Kafka stays away; the process exits once the reader gives up.
 */
export function countRedeliveries(metrics: MetricsRegistry): (error: unknown) => void {
  const redeliveries = metrics.counter('exgate_aggregator_redeliveries_total', 'Deliveries from the committed position after a passing failure (a write, or a new consumer starting, while the store or Kafka was away), by error code');
  return (error) => redeliveries.inc({ code: isExgateError(error) ? error.code : 'UNKNOWN' });
}

function outcomeSeries(trades: Counter): Record<IngestOutcome, CounterSeries> {
  const of = (outcome: IngestOutcome) => trades.labels({ outcome });
  return { applied: of('applied'), corrected: of('corrected'), duplicate: of('duplicate'), too_late: of('too_late') };
}
