import { fixtureLines } from '@exgate/testing';
import { faultExchange, FAULT_EXCHANGES, type FaultExchange } from './exchange';
import { deriveSeed, rngFrom, type Rng } from './rng';

/** What a run can break. Which ones a run may draw depends on how its services run (see Topology). */
export type FaultKind =
  | 'drop' // every websocket cut abruptly mid-stream
  | 'gap' // frames printed by the exchange but sent to nobody (an id gap)
  | 'rest429' // REST answers 429 + Retry-After to the backfill of a gap
  | 'silence' // the connection goes quiet (frames lost) long enough for the feed to reconnect
  | 'garble' // prints' frames reach the collector cut short: rejected, the connection stays up
  | 'replay' // a whole range of the trades topic produced again
  | 'collector-kill' // SIGKILL of the collector process, then a new one
  | 'aggregator-kill' // SIGKILL of the aggregator process, then a new one
  | 'broker-restart' // the Kafka broker stopped and started under everything
  | 'rebalance'; // a second aggregator joins the group, later leaves

export interface Fault {
  readonly kind: FaultKind;
  /** Wall milliseconds after the exchange began to play. */
  readonly atMs: number;
  readonly symbol: string;
  /** Frames to skip (gap) or garble (garble), REST failures (rest429), quiet time (silence), ms until leaving (rebalance). */
  readonly amount: number;
}

export interface RunPlan {
  /** `<tag>.<index>`: also the jest test name, so `-t` picks one run to replay. */
  readonly id: string;
  readonly seed: number;
  /** The exchange of the run (its simulator plays the recordings in its own protocol). */
  readonly exchange: FaultExchange;
  /** Per (Binance) symbol, the recorded Binance trade frames, re-encoded for the exchange when played. */
  readonly recordings: Readonly<Record<string, readonly string[]>>;
  /** Recorded time played per wall millisecond. */
  readonly speed: number;
  /** About how long (wall) the exchange plays. */
  readonly playMs: number;
  readonly faults: readonly Fault[];
}

export interface PlanOptions {
  readonly tag: string;
  /** Exchanges the runs are spread over (ids); default: every registered one. */
  readonly exchanges?: readonly string[];
  /** Fault kinds this suite draws from; each run gets 1..maxFaults of them. */
  readonly kinds: readonly FaultKind[];
  /** Kinds every run of the suite includes once. */
  readonly always?: readonly FaultKind[];
  readonly maxFaults: number;
  /** Wall time the exchange plays per run, drawn in this range. */
  readonly playMs: readonly [number, number];
  /** Trade frames per symbol, drawn in this range. */
  readonly lines: readonly [number, number];
  /**
   * When faults strike, as fractions of the play time: early enough that prints still come after
   * the service is back (a hole shows only by the ids after it). Default [0.1, 0.6].
   */
  readonly strikeWindow?: readonly [number, number];
}

const FIXTURE = 'usdm-trades-2024-07-18';
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
const fixtures = new Map<string, readonly string[]>();
function fixtureOf(symbol: string): readonly string[] {
  let lines = fixtures.get(symbol);
  if (!lines) {
    lines = fixtureLines('binance', FIXTURE, `${symbol.toLowerCase()}-trade-stream.jsonl`);
    fixtures.set(symbol, lines);
  }
  return lines;
}

function eventTimeOf(line: string): number {
  const m = /"E":(\d+)/.exec(line);
  if (!m) throw new Error(`no event time in ${line.slice(0, 80)}`);
  return Number.parseInt(m[1]!, 10);
}


export function planRuns(suiteSeed: number, count: number, o: PlanOptions): RunPlan[] {
  return Array.from({ length: count }, (_, i) => planRun(suiteSeed, i, o));
}

function planRun(suiteSeed: number, index: number, o: PlanOptions): RunPlan {
  const seed = deriveSeed(suiteSeed, o.tag, index);
  const rng = rngFrom(seed);
  // Round robin over the exchanges: every one gets its share of the runs whatever the seed.
  const ids = o.exchanges ?? FAULT_EXCHANGES;
  const exchange = faultExchange(ids[index % ids.length]!);
  // One or both symbols over the same stretch of the day: the exchange has one clock, and the
  // collector's watermark is the exchange's newest event time whatever the symbol.
  const symbols = rng.chance(0.7) ? [...SYMBOLS] : [rng.pick(SYMBOLS)];
  const lead = fixtureOf(symbols[0]!);
  const first = Math.floor(rng.between(0, 0.55) * lead.length);
  const lines = lead.slice(first, first + rng.int(o.lines[0], o.lines[1]));
  const fromMs = eventTimeOf(lines[0]!);
  const toMs = eventTimeOf(lines.at(-1)!);
  const recordings: Record<string, readonly string[]> = {};
  for (const s of symbols) {
    recordings[s] = fixtureOf(s).filter((l) => {
      const t = eventTimeOf(l);
      return t >= fromMs && t <= toMs;
    });
  }
  const spanMs = toMs - fromMs;
  const playMs = rng.int(o.playMs[0], o.playMs[1]);
  const faults = drawFaults(rng, o, exchange, symbols, playMs);
  return { id: `${o.tag}.${index}`, seed, exchange, recordings, speed: spanMs / playMs, playMs, faults };
}

function drawFaults(rng: Rng, o: PlanOptions, exchange: FaultExchange, symbols: readonly string[], playMs: number): Fault[] {
  const kinds: FaultKind[] = [...(o.always ?? [])];
  const allowed = o.kinds.filter((k) => exchange.kinds.includes(k));
  const extra = allowed.length === 0 ? 0 : rng.int(kinds.length === 0 ? 1 : 0, Math.max(0, o.maxFaults - kinds.length));
  for (let i = 0; i < extra; i++) {
    const kind = rng.pick(allowed);
    // A service is killed, a broker restarted, a topic replayed at most once per run.
    if (ONCE.includes(kind) && kinds.includes(kind)) continue;
    kinds.push(kind);
  }
  const [from, to] = o.strikeWindow ?? [0.1, 0.6];
  const at = () => Math.round(rng.between(from, to) * playMs);
  const faults = kinds.map((kind): Fault => {
    const symbol = rng.pick(symbols);
    switch (kind) {
      case 'gap': return { kind, atMs: at(), symbol, amount: rng.int(1, 60) };
      case 'garble': return { kind, atMs: at(), symbol, amount: rng.int(1, 3) };
      case 'rest429': return { kind, atMs: at(), symbol, amount: rng.int(1, 3) };
      // Half the silences outlast the feed's silence timeout (a reconnect), half do not (a hole,
      // which only ids that go up by one can reveal).
      case 'silence': return { kind, atMs: at(), symbol, amount: exchange.contiguous && rng.chance(0.5) ? rng.int(50, 200) : rng.int(500, 900) };
      case 'rebalance': return { kind, atMs: at(), symbol, amount: Math.round(rng.between(0.3, 0.5) * playMs) };
      // A replay goes in after the run has finished as often as during it.
      case 'replay': return { kind, atMs: rng.chance(0.5) ? at() : Number.POSITIVE_INFINITY, symbol, amount: 0 };
      default: return { kind, atMs: at(), symbol, amount: 0 };
    }
  });
  return faults.sort((a, b) => a.atMs - b.atMs);
}

const ONCE: readonly FaultKind[] = ['replay', 'collector-kill', 'aggregator-kill', 'broker-restart', 'rebalance'];

export function describeFaults(plan: RunPlan): string {
  return `${plan.exchange.id}:${plan.faults.map((f) => (f.amount ? `${f.kind}(${f.amount})` : f.kind)).join('+') || 'none'}`;
}
