import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Trade } from '@exgate/domain';

const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'services', 'exgate', 'src', 'cli.ts');
/** What the image runs (npm run build): no TypeScript loader at start-up. */
const COMPILED_CLI = path.join(REPO, 'dist', 'services', 'exgate', 'src', 'cli.js');

export interface CliFigure {
  readonly command: string;
  readonly lines: number;
  readonly wallMs: number;
  readonly summary: string;
}

/** A Binance USDⓈ-M trade-stream frame (combined-stream wrapper), as recorded off the socket. */
export function frameOf(t: Trade): string {
  return `{"stream":"btcusdt@trade","data":{"e":"trade","E":${t.eventTimeMs},"T":${t.exchangeTimeMs},"s":"BTCUSDT","t":${t.id},`
    + `"p":"${t.price}","q":"${t.qty}","X":"${t.market ? 'MARKET' : 'INSURANCE_FUND'}","m":${t.isBuyerMaker}}}`;
}

async function writeFrames(file: string, trades: readonly Trade[]): Promise<void> {
  const out = createWriteStream(file);
  const chunk: string[] = [];
  for (const t of trades) {
    chunk.push(frameOf(t));
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk.length = 0;
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
}

/**
 * Whole-process time of `exgate candles` on a file of one frame per print: node start, module
 * loading (tsx), reading and parsing every frame, the engine, writing the CSV (to /dev/null).
 * Null when the CLI is not there.
 */
export async function measureCli(trades: readonly Trade[], interval = '1m', compiled = false): Promise<CliFigure | null> {
  const cli = compiled ? COMPILED_CLI : CLI;
  if (!existsSync(cli)) return null;
  const file = path.join(os.tmpdir(), `exgate-bench-frames-${process.pid}.jsonl`);
  try {
    await writeFrames(file, trades);
    const loader = compiled ? [] : ['--import', 'tsx'];
    const args = [...loader, cli, 'candles', '--exchange', 'binance-usdm', '--input', file, '--interval', interval, '--format', 'csv'];
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const wallMs = performance.now() - started;
    if (result.status !== 0) throw new Error(`exgate candles exited ${result.status}: ${result.stderr}`);
    return {
      command: `node ${compiled ? 'dist/services/exgate/src/cli.js' : '--import tsx services/exgate/src/cli.ts'} candles --exchange binance-usdm --input FRAMES --interval ${interval} --format csv > /dev/null`,
      lines: trades.length,
      wallMs,
      summary: result.stderr.trim().split('\n').pop() ?? '',
    };
  } finally {
    rmSync(file, { force: true });
  }
}
