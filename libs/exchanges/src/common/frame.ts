import type { FrameRejection, FrameResult, RejectionKind } from '../types';

/** How much of a bad frame goes to the log line. */
export const SAMPLE_CHARS = 200;

export type Rejected = Extract<FrameResult, { type: 'rejected' }>;

export function reject(kind: RejectionKind, reason: string, raw: string): Rejected {
  return { type: 'rejected', rejection: rejection(kind, reason, raw) };
}

export function rejection(kind: RejectionKind, reason: string, raw: string): FrameRejection {
  return { kind, reason, sample: raw.length > SAMPLE_CHARS ? `${raw.slice(0, SAMPLE_CHARS)}…` : raw };
}

/**
 * Whether a rejected frame may have carried prints of the connection's symbols: anything but a
 * print of another stream or of a symbol not collected (the feed's own rejections).
 */
export function mayHoldPrints(kind: RejectionKind): boolean {
  return kind !== 'unknown_stream' && kind !== 'unknown_symbol';
}

/** JSON.parse that reports failure instead of throwing (mappers never throw). */
export function parseJson(raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Binance launched in 2017: a trade time before that is a unit mix-up (seconds), not history. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2017, 0, 1);
/**
 * How far ahead of our own clock an exchange timestamp may be. Generous, because a wrong local clock
 * must not make us drop real trades; tight enough to catch microseconds read as milliseconds.
 */
export const MAX_FUTURE_SKEW_MS = 60 * 60 * 1000;

export function timestampProblem(ms: number, receivedAtMs: number, field: string): string | null {
  if (ms < EARLIEST_PLAUSIBLE_MS) return `${field}=${ms} is before 2017`;
  if (ms > receivedAtMs + MAX_FUTURE_SKEW_MS) return `${field}=${ms} is more than 1 h after the receive time ${receivedAtMs}`;
  return null;
}

/** timestampProblem(ms, …) === null, without the words: for the fast paths, which never reject. */
export function isPlausibleMs(ms: number, receivedAtMs: number): boolean {
  return ms >= EARLIEST_PLAUSIBLE_MS && ms <= receivedAtMs + MAX_FUTURE_SKEW_MS;
}

/** `text` spelled as a regular expression that matches exactly it: the fast paths build patterns from a frame's fixed texts. */
export function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
