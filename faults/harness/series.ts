import { fixtureLines } from '@exgate/testing';

/**
 * Many symbols from two recordings: the real BTCUSDT and ETHUSDT trade frames of 2024-07-18
 * (Binance USDⓈ-M), renamed and cut into one stretch per synthetic symbol. Prices, sizes, sides and
 * the spacing of prints in time stay real; each symbol starts at another point of the recording,
 * and a symbol that wants more prints than the recording holds plays it again, later and with
 * higher ids, so its ids stay contiguous and its times ascending.
 */
const FIXTURE = 'usdm-trades-2024-07-18';
const SOURCES = ['BTCUSDT', 'ETHUSDT'] as const;

interface TradeEvent {
  e: string; E: number; T: number; s: string; t: number; p: string; q: string; X?: string; m: boolean;
}

const recordings = new Map<string, readonly TradeEvent[]>();
function recording(symbol: string): readonly TradeEvent[] {
  let events = recordings.get(symbol);
  if (!events) {
    events = fixtureLines('binance', FIXTURE, `${symbol.toLowerCase()}-trade-stream.jsonl`)
      .map((line) => (JSON.parse(line) as { data: TradeEvent }).data);
    recordings.set(symbol, events);
  }
  return events;
}

/** `S007USDT`: upper case, digits and a USDT quote, a valid name on every exchange exgate speaks. */
export const syntheticSymbol = (index: number): string => `S${String(index).padStart(3, '0')}USDT`;

/**
 * `count` symbols of `printsPerSymbol` prints each, as Binance trade frames (combined-stream
 * wrapper), by symbol. Deterministic: the same arguments give the same frames.
 */
export function syntheticRecordings(count: number, printsPerSymbol: number): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) {
    const source = recording(SOURCES[i % SOURCES.length]!);
    const symbol = syntheticSymbol(i);
    // Starts spread over the recording (a prime stride), so neighbours do not print alike.
    const start = (i * 7_919) % source.length;
    out[symbol] = stretch(source, start, printsPerSymbol).map((e) => frame(symbol, e));
  }
  return out;
}

/** `n` prints from `start`, wrapping around: each pass later by the recording's span and higher by its id range. */
function stretch(source: readonly TradeEvent[], start: number, n: number): TradeEvent[] {
  const first = source[0]!;
  const last = source[source.length - 1]!;
  const idSpan = last.t - first.t + 1;
  const timeSpan = last.T - first.T + 1_000;
  const out: TradeEvent[] = [];
  for (let k = 0; out.length < n; k++) {
    const at = start + k;
    const pass = Math.floor(at / source.length);
    const e = source[at % source.length]!;
    out.push({ ...e, t: e.t + pass * idSpan, E: e.E + pass * timeSpan, T: e.T + pass * timeSpan });
  }
  return out;
}

function frame(symbol: string, e: TradeEvent): string {
  return JSON.stringify({ stream: `${symbol.toLowerCase()}@trade`, data: { ...e, s: symbol } });
}
