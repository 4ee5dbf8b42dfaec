import type { Trade } from '@exgate/domain';
import { decimalAt, POSITIVE_DECIMAL as POSITIVE } from '../common/decimal';
import { EARLIEST_PLAUSIBLE_MS, literalPattern, MAX_FUTURE_SKEW_MS } from '../common/frame';
import type { BinanceMarket } from './market';

/**
 * The fast path of Binance's frame mapper: reads a trade or aggTrade frame, as Binance sends them,
 * straight from the text — no JSON.parse, no zod, no object per field. It only ever accepts: on
 * anything it is not sure of (whitespace, escapes, fractions, nested values, long unknown keys, a
 * duplicate field, a value that fails a check) it answers null and the full mapper (JSON.parse and
 * the zod schemas) decides and words the rejection. So it accepts a subset of what the full mapper
 * accepts and maps it to the same trade: mapper.property.spec.ts holds the two equal.
 */
export function createFastTradeReader(market: BinanceMarket): (raw: string, receivedAtMs: number) => Trade | null {
  const slots = new FieldSlots();
  const layouts = new LayoutMemory();
  // null, not '': an empty symbol is a value to check, not the one checked last.
  let lastSymbol: string | null = null;

  /** Tier 1: the frame has the layout of one already accepted: one match of its pattern, then the values are read. */
  const byLayout = (raw: string, receivedAtMs: number): Trade | null => {
    // The last stream's layouts first: its pattern checks the stream name too, and most frames
    // follow one of their own stream. Only a miss looks the frame's stream up by name.
    const last = layouts.last;
    const read = tryLayouts(raw, receivedAtMs, last);
    if (read !== null) return read;
    const known = layouts.of(raw);
    return known === last ? null : tryLayouts(raw, receivedAtMs, known);
  };

  const tryLayouts = (raw: string, receivedAtMs: number, known: readonly Layout[]): Trade | null => {
    for (let k = 0; k < known.length; k++) {
      const layout = known[k]!;
      if (!slots.readValues(raw, layout)) continue;
      return checked(raw, receivedAtMs, layout.event, layout.symbol, layout.market);
    }
    return null;
  };

  /** Tier 2: any flat frame; an accepted one teaches its layout to tier 1. */
  const byScan = (raw: string, receivedAtMs: number): Trade | null => {
    if (raw.charCodeAt(0) !== LBRACE) return null;
    let streamStart = -1;
    let streamEnd = -1;
    let at = 0;
    if (textAt(raw, COMBINED_HEAD, 0)) {
      streamStart = COMBINED_HEAD.length;
      streamEnd = stringEnd(raw, streamStart);
      if (streamEnd < 0 || !textAt(raw, DATA_KEY, streamEnd + 1)) return null;
      at = streamEnd + 1 + DATA_KEY.length;
    }
    const end = slots.read(raw, at);
    if (end < 0) return null;
    if (streamStart >= 0 ? !(end === raw.length - 1 && raw.charCodeAt(end) === RBRACE) : end !== raw.length) return null;

    const isTrade = slots.isString(raw, F_e, 'trade');
    if (!isTrade && !slots.isString(raw, F_e, 'aggTrade')) return null;
    if (!slots.has(F_E, INT) || !slots.has(F_T, INT) || !slots.has(F_s, STR) || !slots.has(F_p, STR) || !slots.has(F_q, STR) || !slots.has(F_m, BOOL)) return null;
    if (isTrade ? !slots.has(F_t, INT) || !slots.optional(F_X, STR) : !slots.has(F_a, INT) || !slots.has(F_f, INT) || !slots.has(F_l, INT) || !slots.optional(F_nq, STR) || !slots.optional(F_st, INT)) return null;
    if (!isTrade && !plainString(raw, slots.start[F_nq]!, slots.end[F_nq]!)) return null;
    if (decimalAt(raw, slots.start[F_p]!, slots.end[F_p]!) !== POSITIVE || decimalAt(raw, slots.start[F_q]!, slots.end[F_q]!) !== POSITIVE) return null;
    const sStart = slots.start[F_s]!;
    const sEnd = slots.end[F_s]!;
    const event = isTrade ? 'trade' : 'aggTrade';
    if (streamStart >= 0 && !streamMatches(raw, streamStart, streamEnd, sStart, sEnd, event)) return null;
    let symbol = lastSymbol;
    if (symbol === null || !(sEnd - sStart === symbol.length && textAt(raw, symbol, sStart))) {
      symbol = raw.slice(sStart, sEnd);
      if (!market.symbolPattern.test(symbol)) return null;
      lastSymbol = symbol;
    }
    // Futures prints carry `X`: only MARKET ones are in Binance's klines. Spot prints have none;
    // Binance aggregates market fills only.
    const isMarket = !isTrade || slots.kind[F_X] !== STR || slots.isString(raw, F_X, 'MARKET');
    const read = checked(raw, receivedAtMs, event, symbol, isMarket);
    if (read) layouts.teach(streamStart >= 0 ? raw.slice(streamStart, streamEnd) : '', slots.layout(raw, event, symbol, isMarket));
    return read;
  };

  /** The checks that depend on the values (ids, times), then the trade. */
  const checked = (raw: string, receivedAtMs: number, event: 'trade' | 'aggTrade', symbol: string, isMarket: boolean): Trade | null => {
    const isTrade = event === 'trade';
    const id = slots.num[isTrade ? F_t : F_a]!;
    const first = isTrade ? id : slots.num[F_f]!;
    const last = isTrade ? id : slots.num[F_l]!;
    if (last < first) return null;
    const tradeTime = slots.num[F_T]!;
    const eventTime = slots.num[F_E]!;
    const latest = receivedAtMs + FUTURE_SKEW_MS;
    if (tradeTime < EARLIEST_MS || tradeTime > latest || eventTime < EARLIEST_MS || eventTime > latest) return null;
    return {
      exchange: market.exchange, symbol, kind: event, id, firstTradeId: first, lastTradeId: last,
      price: raw.slice(slots.start[F_p]!, slots.end[F_p]!), qty: raw.slice(slots.start[F_q]!, slots.end[F_q]!),
      isBuyerMaker: slots.bool[F_m] === 1, market: isMarket, exchangeTimeMs: tradeTime, eventTimeMs: eventTime, receivedAtMs,
    };
  };

  return (raw, receivedAtMs) => byLayout(raw, receivedAtMs) ?? byScan(raw, receivedAtMs);
}

// Read once: the imports are live bindings, a getter call each under some loaders.
const EARLIEST_MS = EARLIEST_PLAUSIBLE_MS;
const FUTURE_SKEW_MS = MAX_FUTURE_SKEW_MS;
/** Layouts remembered per stream: one is the rule (a miss costs a scan, not a wrong answer). */
const LAYOUTS_PER_STREAM = 4;
/** Streams remembered: far more than one process subscribes; past it, memory starts again. */
const MAX_STREAMS = 4_096;

/**
 * Layouts remembered per stream name (`btcusdt@aggTrade`, or '' for a frame without the combined
 * wrapper), so a frame is tried against its own stream's layouts only. One ring for every stream
 * was missed by every frame once a connection carried more streams than it held (500 series: a
 * failed match per layout, a scan and a new pattern per frame).
 */
class LayoutMemory {
  private readonly byStream = new Map<string, { readonly layouts: Layout[]; next: number }>();
  /** The layouts of the stream of the frame looked up last (or taught last). */
  last: readonly Layout[] = [];

  /** The layouts of the frame's stream, by the name in its wrapper. */
  of(raw: string): readonly Layout[] {
    let name = '';
    if (textAt(raw, COMBINED_HEAD, 0)) {
      const close = raw.indexOf('"', COMBINED_HEAD.length);
      if (close < 0) return NO_LAYOUTS;
      name = raw.slice(COMBINED_HEAD.length, close);
    }
    this.last = this.byStream.get(name)?.layouts ?? NO_LAYOUTS;
    return this.last;
  }

  teach(name: string, layout: Layout): void {
    let ring = this.byStream.get(name);
    if (!ring) {
      if (this.byStream.size >= MAX_STREAMS) this.byStream.clear();
      ring = { layouts: [], next: 0 };
      this.byStream.set(name, ring);
    }
    ring.layouts[ring.next] = layout;
    ring.next = (ring.next + 1) % LAYOUTS_PER_STREAM;
    this.last = ring.layouts;
  }
}

const NO_LAYOUTS: readonly Layout[] = [];

/**
 * The text of an accepted frame with its values cut out: `texts[i]` then value i, …, then the last
 * text. Every fixed part (stream, event, symbol, `X`, field order) is in the texts, checked once.
 */
interface Layout {
  /** The lengths of the fixed texts around the values (the pattern holds the texts themselves). */
  readonly textLengths: Int32Array;
  /** Per value: its slot (-1: a field zod ignores) and its kind (INT, BOOL, or STR for p, q, nq). */
  readonly slots: Int8Array;
  readonly kinds: Uint8Array;
  /** The whole frame: every text, and each value's shape and checks, in one native match. */
  readonly pattern: RegExp;
  readonly event: 'trade' | 'aggTrade';
  readonly symbol: string;
  readonly market: boolean;
}

const COMBINED_HEAD = '{"stream":"';
const DATA_KEY = ',"data":';
const LBRACE = 123;
const RBRACE = 125;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;

// The fields read, by slot; every other key of one or two characters is skipped (as zod ignores it).
const F_e = 0;
const F_E = 1;
const F_T = 2;
const F_s = 3;
const F_t = 4;
const F_p = 5;
const F_q = 6;
const F_X = 7;
const F_m = 8;
const F_a = 9;
const F_f = 10;
const F_l = 11;
const F_nq = 12;
const F_st = 13;
const SLOTS = 14;
/** More fields than any trade frame has: such a frame goes to the full mapper. */
const MAX_FIELDS = 32;

const ABSENT = 0;
const STR = 1;
const INT = 2;
const BOOL = 3;
const OTHER = 4;

function slotOf(raw: string, start: number, length: number): number {
  if (length === 1) {
    switch (raw.charCodeAt(start)) {
      case 101: return F_e;
      case 69: return F_E;
      case 84: return F_T;
      case 115: return F_s;
      case 116: return F_t;
      case 112: return F_p;
      case 113: return F_q;
      case 88: return F_X;
      case 109: return F_m;
      case 97: return F_a;
      case 102: return F_f;
      case 108: return F_l;
      default: return -1;
    }
  }
  if (length !== 2) return -1;
  if (textAt(raw, 'nq', start)) return F_nq;
  if (textAt(raw, 'st', start)) return F_st;
  return -1;
}

/** Where each read field's value lies in the frame, reused from frame to frame. */
class FieldSlots {
  readonly kind = new Uint8Array(SLOTS);
  readonly start = new Int32Array(SLOTS);
  readonly end = new Int32Array(SLOTS);
  readonly num = new Float64Array(SLOTS);
  readonly bool = new Uint8Array(SLOTS);
  /** Every value of the last scanned object, in order, for `layout`. */
  private readonly valueSlot = new Int8Array(MAX_FIELDS);
  private readonly valueKind = new Uint8Array(MAX_FIELDS);
  private readonly valueStart = new Int32Array(MAX_FIELDS);
  private readonly valueEnd = new Int32Array(MAX_FIELDS);
  private values = 0;

  /**
   * Reads the flat object at `at`; returns the index after its `}`, or -1 where the full mapper
   * must decide. Trade frames' keys are one or two characters: a longer one (`result`, `error`,
   * `event`, `stream` on a bare frame) could change what the frame is, so it goes to the full mapper.
   */
  read(raw: string, at: number): number {
    this.kind.fill(ABSENT);
    this.values = 0;
    if (raw.charCodeAt(at) !== LBRACE) return -1;
    let i = at + 1;
    for (;;) {
      if (raw.charCodeAt(i) !== QUOTE || this.values === MAX_FIELDS) return -1;
      const keyEnd = stringEnd(raw, i + 1);
      if (keyEnd < 0 || raw.charCodeAt(keyEnd + 1) !== COLON) return -1;
      const keyLength = keyEnd - i - 1;
      if (keyLength > 2) return -1;
      const slot = slotOf(raw, i + 1, keyLength);
      if (slot >= 0 && this.kind[slot] !== ABSENT) return -1; // JSON.parse keeps the last: let it
      i = keyEnd + 2;
      const c = raw.charCodeAt(i);
      let kind: number;
      let valueStart = i;
      let valueEnd: number;
      if (c === QUOTE) {
        valueStart = i + 1;
        valueEnd = stringEnd(raw, valueStart);
        if (valueEnd < 0) return -1;
        kind = STR;
      } else if (c >= 48 && c <= 57) {
        valueEnd = integerEnd(raw, i);
        if (valueEnd < 0) return -1;
        kind = INT;
        if (slot >= 0) this.num[slot] = parseDigits(raw, i, valueEnd);
      } else if (textAt(raw, 'true', i)) {
        valueEnd = i + 4;
        kind = BOOL;
        if (slot >= 0) this.bool[slot] = 1;
      } else if (textAt(raw, 'false', i)) {
        valueEnd = i + 5;
        kind = BOOL;
        if (slot >= 0) this.bool[slot] = 0;
      } else if (textAt(raw, 'null', i)) {
        valueEnd = i + 4;
        kind = OTHER;
      } else {
        return -1;
      }
      if (slot >= 0) {
        this.kind[slot] = kind;
        this.start[slot] = valueStart;
        this.end[slot] = valueEnd;
      }
      const v = this.values++;
      this.valueSlot[v] = slot;
      this.valueKind[v] = kind;
      this.valueStart[v] = valueStart;
      this.valueEnd[v] = valueEnd;
      const after = kind === STR ? valueEnd + 1 : valueEnd;
      const next = raw.charCodeAt(after);
      if (next === RBRACE) return after + 1;
      if (next !== COMMA) return -1;
      i = after + 1;
    }
  }

  /**
   * The layout of the frame just scanned (and accepted): numbers, booleans and the decimal strings
   * vary from frame to frame; every other byte is fixed text.
   */
  layout(raw: string, event: 'trade' | 'aggTrade', symbol: string, market: boolean): Layout {
    const texts: string[] = [];
    const slots: number[] = [];
    const kinds: number[] = [];
    let from = 0;
    for (let v = 0; v < this.values; v++) {
      const slot = this.valueSlot[v]!;
      const kind = this.valueKind[v]!;
      const varies = kind === INT || kind === BOOL || (kind === STR && (slot === F_p || slot === F_q || slot === F_nq));
      if (!varies) continue;
      texts.push(raw.slice(from, this.valueStart[v]));
      slots.push(slot);
      kinds.push(kind);
      from = this.valueEnd[v]!;
    }
    texts.push(raw.slice(from));
    return {
      textLengths: Int32Array.from(texts, (t) => t.length), slots: Int8Array.from(slots), kinds: Uint8Array.from(kinds),
      pattern: layoutPattern(texts, slots, kinds), event, symbol, market,
    };
  }

  /**
   * Reads a frame of `layout`'s shape: each fixed text where it was, each value of its kind and
   * valid (p, q positive plain decimals; nq a plain string), false otherwise. The layout's pattern
   * checks all of it at once, natively: in V8 a regular expression reads a frame in ~85 ns, a loop
   * of charCodeAt on the line (a slice of its block) ~1.8 ns a character, ~450 ns a frame with the
   * checks (1,000,000 USDⓈ-M trade frames). Then the values are read without checking again.
   */
  readValues(raw: string, layout: Layout): boolean {
    if (!layout.pattern.test(raw)) return false;
    const { textLengths, slots, kinds } = layout;
    let at = textLengths[0]!;
    for (let v = 0; v < slots.length; v++) {
      const slot = slots[v]!;
      switch (kinds[v]) {
        case INT: {
          let n = 0;
          for (let c = raw.charCodeAt(at); c >= 48 && c <= 57; c = raw.charCodeAt(at)) {
            n = n * 10 + (c - 48);
            at++;
          }
          if (slot >= 0) this.num[slot] = n;
          break;
        }
        case BOOL: {
          const isTrue = raw.charCodeAt(at) === 116;
          at += isTrue ? 4 : 5;
          if (slot >= 0) this.bool[slot] = isTrue ? 1 : 0;
          break;
        }
        default: {
          const from = at;
          at = raw.indexOf('"', at);
          this.start[slot] = from;
          this.end[slot] = at;
        }
      }
      at += textLengths[v + 1]!;
    }
    return true;
  }

  has(slot: number, kind: number): boolean {
    return this.kind[slot] === kind;
  }

  optional(slot: number, kind: number): boolean {
    return this.kind[slot] === ABSENT || this.kind[slot] === kind;
  }

  isString(raw: string, slot: number, value: string): boolean {
    return this.kind[slot] === STR && this.end[slot]! - this.start[slot]! === value.length && textAt(raw, value, this.start[slot]!);
  }
}

/**
 * `raw.startsWith(text, at)`, but as fast as this engine goes: startsWith with a position is
 * several times slower in V8 (measured on the trade frames: 160 ns against 40 ns for the 52-char
 * head). Short texts are compared by character: a substring that short is a copy, garbage per frame.
 */
function textAt(raw: string, text: string, at: number): boolean {
  const length = text.length;
  if (length >= 4) return raw.substring(at, at + length) === text;
  if (at + length > raw.length) return false;
  for (let i = 0; i < length; i++) if (raw.charCodeAt(at + i) !== text.charCodeAt(i)) return false;
  return true;
}

/** A JSON string's content needing no unescaping: no backslash, no control character. */
function plainString(raw: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = raw.charCodeAt(i);
    if (c < 32 || c === BACKSLASH) return false;
  }
  return true;
}

/** Index of the closing quote of a string starting at `from`, or -1 for escapes and control characters. */
function stringEnd(raw: string, from: number): number {
  const close = raw.indexOf('"', from);
  return close >= 0 && plainString(raw, from, close) ? close : -1;
}

/**
 * End of a JSON integer of at most 15 digits (always a safe integer), or -1: a leading zero, a
 * fraction or an exponent goes to the full mapper.
 */
function integerEnd(raw: string, from: number): number {
  let i = from;
  while (i < raw.length) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  const next = raw.charCodeAt(i);
  if (i - from > 15 || (raw.charCodeAt(from) === 48 && i - from > 1) || next === 46 || next === 101 || next === 69) return -1;
  return i;
}

function parseDigits(raw: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (raw.charCodeAt(i) - 48);
  return n;
}

/** `btcusdt@trade` for symbol `BTCUSDT` and event `trade`: the stream agrees with its data. */
function streamMatches(raw: string, from: number, to: number, sStart: number, sEnd: number, event: string): boolean {
  const length = sEnd - sStart;
  if (to - from !== length + 1 + event.length || raw.charCodeAt(from + length) !== 64) return false;
  if (!textAt(raw, event, from + length + 1)) return false;
  for (let k = 0; k < length; k++) {
    const c = raw.charCodeAt(sStart + k);
    if (c > 127) return false;
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== raw.charCodeAt(from + k)) return false;
  }
  return true;
}

const INT_PATTERN = '(?:0|[1-9][0-9]{0,14})';
const BOOL_PATTERN = '(?:true|false)';
// Each the pattern of a check above: integerEnd (at most 15 digits, no leading zero), a boolean,
// decimalAt(…) === POSITIVE_DECIMAL (plain, at most 40 characters, a non-zero digit: the quote
// follows, as every text after a string value starts with it), and plainString.
const POSITIVE_PATTERN = '(?=[0-9.]{1,40}")(?:[1-9][0-9]*(?:\\.[0-9]+)?|0\\.[0-9]*[1-9][0-9]*)';
const PLAIN_STRING_PATTERN = '[^"\\\\\\x00-\\x1f]*';

/** The whole frame of a layout: its texts, exactly, with each value's pattern between them. */
function layoutPattern(texts: readonly string[], slots: readonly number[], kinds: readonly number[]): RegExp {
  let source = `^${literalPattern(texts[0]!)}`;
  for (let v = 0; v < slots.length; v++) {
    source += kinds[v] === INT ? INT_PATTERN : kinds[v] === BOOL ? BOOL_PATTERN : slots[v] === F_nq ? PLAIN_STRING_PATTERN : POSITIVE_PATTERN;
    source += literalPattern(texts[v + 1]!);
  }
  return new RegExp(`${source}$`);
}
