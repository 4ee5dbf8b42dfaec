/**
 * Progress of a long read, on stderr (stdout carries the data). On a terminal: one bar redrawn in
 * place, with rate and ETA. Elsewhere (a pipe, a log file): a plain line at every tenth, so a log
 * holds at most ten of them and no control characters.
 */

export type ProgressMode = 'auto' | 'always' | 'never';

/** Where progress goes: process.stderr, or a test's recorder. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** How amounts and rates read: bytes by default; `exgate backfill` counts history instead. */
export interface ProgressUnits {
  amount(n: number): string;
  rate(perSecond: number): string;
}

export const BYTES: ProgressUnits = { amount: (n) => bytes(n), rate: (perSecond) => `${bytes(perSecond)}/s` };

export interface ProgressOptions {
  readonly label: string;
  /** The whole job, in `units` (bytes unless given). */
  readonly totalBytes: number;
  readonly units?: ProgressUnits;
  readonly mode: ProgressMode;
  readonly sink: ProgressSink;
  readonly nowMs: () => number;
  /** `auto` stays quiet below this size: a small file is done before a bar would help. */
  readonly minBytes?: number;
}

export interface Progress {
  /** Bytes read so far; cheap to call often (the bar redraws at most 10 times a second). */
  update(doneBytes: number): void;
  /** The last state, and the line ends. */
  finish(doneBytes: number): void;
}

export const AUTO_MIN_BYTES = 16 * 1024 * 1024;
const REDRAW_MS = 100;
const BAR_WIDTH = 20;

const silent: Progress = { update() {}, finish() {} };

export function createProgress(o: ProgressOptions): Progress {
  if (o.mode === 'never') return silent;
  if (o.mode === 'auto' && o.totalBytes < (o.minBytes ?? AUTO_MIN_BYTES)) return silent;
  return o.sink.isTTY === true ? bar(o) : lines(o);
}

function bar(o: ProgressOptions): Progress {
  const startMs = o.nowMs();
  let drawnMs = Number.NEGATIVE_INFINITY;
  const draw = (done: number, nowMs: number, finished: boolean) => {
    drawnMs = nowMs;
    const fraction = ratio(done, o.totalBytes);
    const filled = Math.round(fraction * BAR_WIDTH);
    const u = o.units ?? BYTES;
    const text = `${o.label} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${percent(fraction)}  `
      + `${u.amount(done)}/${u.amount(o.totalBytes)}  ${pace(u, done, o.totalBytes, nowMs - startMs, finished).join('  ')}`;
    // \r and erase-to-end redraw the one line; cut to the terminal so it never wraps (a pty
    // that was never sized reports 0 columns).
    const columns = o.sink.columns !== undefined && o.sink.columns > 0 ? o.sink.columns : 80;
    o.sink.write(`\r${text.slice(0, Math.max(20, columns - 1))}\x1b[K`);
  };
  return {
    update(done) {
      const nowMs = o.nowMs();
      if (nowMs - drawnMs >= REDRAW_MS) draw(done, nowMs, false);
    },
    finish(done) {
      draw(done, o.nowMs(), true);
      o.sink.write('\n');
    },
  };
}

function lines(o: ProgressOptions): Progress {
  const startMs = o.nowMs();
  let tenthsShown = 0;
  const line = (done: number, finished: boolean) => {
    const fraction = ratio(done, o.totalBytes);
    const u = o.units ?? BYTES;
    const figures = pace(u, done, o.totalBytes, o.nowMs() - startMs, finished);
    o.sink.write(`${o.label}: ${percent(fraction).trim()} ${u.amount(done)} of ${u.amount(o.totalBytes)}, ${figures.join(', ')}\n`);
  };
  return {
    update(done) {
      // 100% is finish's line, with the time it took.
      const tenths = Math.min(9, Math.floor(ratio(done, o.totalBytes) * 10));
      if (tenths <= tenthsShown) return;
      tenthsShown = tenths;
      line(done, false);
    },
    finish(done) {
      line(done, true);
    },
  };
}

function ratio(done: number, total: number): number {
  return total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
}

function percent(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`.padStart(4);
}

/** `[rate, ETA]` while running; `[rate, time taken]` once finished. */
function pace(u: ProgressUnits, done: number, total: number, elapsedMs: number, finished: boolean): string[] {
  if (finished) return elapsedMs > 0 ? [u.rate((done * 1000) / elapsedMs), `done in ${duration(elapsedMs / 1000)}`] : ['done'];
  if (elapsedMs <= 0 || done <= 0) return ['ETA --'];
  const perSecond = (done * 1000) / elapsedMs;
  return [u.rate(perSecond), `ETA ${duration(Math.max(0, (total - done) / perSecond))}`];
}

/** 1024-based, one decimal: `512 B`, `64.0 KiB`, `2.3 MiB`, `1.1 GiB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `0:07`, `12:30`, `1:02:03`. */
export function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
