import { closeSync, openSync, readSync } from 'node:fs';
import { CandleAggregator, type Candle, type IntervalId } from '@exgate/domain';
import { sequenced, type ExchangeAdapter } from '@exgate/exchanges';
import { LineSplitter } from './lines';

export interface CandlesCommand {
  readonly adapter: Pick<ExchangeAdapter, 'parseFrame' | 'info'>;
  readonly input: string;
  readonly interval: IntervalId;
  readonly format: 'csv' | 'json';
  readonly tzOffsetMs: number;
  /** How far a print may trail later ones and still count in its own bucket. */
  readonly reorderWindowMs: number;
  /** Stands for the receive time of every frame: recorded frames were all received by now. */
  readonly receivedAtMs: number;
  /** Told the bytes read so far, every few hundred lines (a progress bar's feed). */
  readonly onProgress?: (bytesRead: number) => void;
}

export interface CandlesReport {
  readonly lines: number;
  readonly prints: number;
  readonly candles: number;
  /** Rejected frames by kind. */
  readonly rejected: Readonly<Record<string, number>>;
  /** Frames that carried no prints (acks, other streams). */
  readonly control: number;
  readonly tooLate: number;
}

/** Small enough for a progress bar to move on a small file; larger chunks were not faster (measured). */
const CHUNK_BYTES = 1 << 16;

export const CSV_HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';

/** Binance's 12 kline columns, as in its monthly archives. */
export function csvRow(c: Candle): string {
  return [c.openTimeMs, c.open, c.high, c.low, c.close, c.volume, c.closeTimeMs, c.quoteVolume, c.tradeCount, c.takerBuyVolume, c.takerBuyQuoteVolume, '0'].join(',');
}

/**
 * Frames in, klines out, streaming: a candle is written once no late print can change it any
 * more, so a file of any size runs in constant memory.
 */
export async function runCandles(cmd: CandlesCommand, write: (chunk: string) => void): Promise<CandlesReport> {
  const pending = new Map<number, Candle>();
  const rejected: Record<string, number> = {};
  // Set inside onLine: typed wide, or TypeScript narrows it to null for good.
  let engine = null as CandleAggregator | null;
  let lines = 0;
  let prints = 0;
  let candles = 0;
  let control = 0;
  let out: string[] = [];
  // Where the exchange's ids carry no order (Bybit, INTX), prints are numbered as the feed numbers them.
  const numbered = cmd.adapter.info.capabilities.tradeIds === 'none';
  let lastId: number | undefined;

  // The API's mapper, loaded only for JSON: the API library (fastify and all) is most of a CSV run's start-up.
  const klineJson = cmd.format === 'json' ? (await import('@exgate/api')).klineJson : null;
  const emit = (c: Candle) => {
    out.push(cmd.format === 'csv' ? csvRow(c) : `${candles === 0 ? '' : ',\n'}${JSON.stringify(klineJson!(c))}`);
    candles++;
  };
  const settle = (beforeMs: number) => {
    const due = [...pending.values()].filter((c) => c.closeTimeMs < beforeMs).sort((a, b) => a.openTimeMs - b.openTimeMs);
    for (const c of due) {
      emit(c);
      pending.delete(c.openTimeMs);
    }
    if (out.length > 0) write(cmd.format === 'csv' ? `${out.join('\n')}\n` : out.join(''));
    out = [];
  };

  write(cmd.format === 'csv' ? `${CSV_HEADER}\n` : '{"kline":[\n');
  const onLine = (line: string) => {
    lines++;
    const result = cmd.adapter.parseFrame(line, cmd.receivedAtMs);
    if (result.type === 'rejected') {
      rejected[result.rejection.kind] = (rejected[result.rejection.kind] ?? 0) + 1;
      return;
    }
    if (result.type === 'control' || result.type === 'reconnect') {
      control++;
      return;
    }
    for (const raw of result.trades) {
      const t = numbered ? sequenced(raw, lastId) : raw;
      lastId = t.id;
      engine ??= new CandleAggregator({
        exchange: t.exchange, symbol: t.symbol, intervals: [cmd.interval], tzOffsetMs: cmd.tzOffsetMs,
        openAt: cmd.adapter.info.candlePolicy.openAt,
        contiguousIds: cmd.adapter.info.capabilities.tradeIds === 'contiguous',
        graceMs: cmd.reorderWindowMs,
        // A file has no "published" candles: a print settling late into its bucket is not a correction.
        onCandle: (c) => pending.set(c.openTimeMs, c.version === 1 ? c : { ...c, state: 'closed', version: 1 }),
      });
      engine.ingest(t);
      prints++;
    }
    if (engine && lines % 4096 === 0) settle(engine.watermarkMs - cmd.reorderWindowMs);
  };
  // Read synchronously, into one buffer again and again. The command has nothing else to do
  // meanwhile, and a 64 KiB read from the page cache takes microseconds; promise reads left the
  // process idle or in the read binding for ~0.3 s of 1.7 s over 1,000,000 frames (CPU profile,
  // ADR 0019), and a fresh buffer per chunk costs more in page faults and GC than the parsing.
  const splitter = new LineSplitter(onLine);
  const fd = openSync(cmd.input, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let bytesRead = 0;
    for (let n = readSync(fd, buffer, 0, CHUNK_BYTES, null); n > 0; n = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      bytesRead += n;
      splitter.push(buffer.subarray(0, n));
      cmd.onProgress?.(bytesRead);
    }
  } finally {
    closeSync(fd);
  }
  splitter.end();
  settle(Number.POSITIVE_INFINITY);
  const forming = engine?.forming(cmd.interval);
  if (forming) emit(forming);
  settle(Number.POSITIVE_INFINITY);
  if (cmd.format === 'json') write('\n]}\n');
  return { lines, prints, candles, rejected, control, tooLate: engine?.stats.tooLate ?? 0 };
}

