import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { requireExchange } from '@exgate/exchanges';
import { silentLogger, systemClock } from '@exgate/runtime';
import { runCandles, type CandlesCommand } from '../cli/candles';

export type CandlesReport = Awaited<ReturnType<typeof runCandles>>;

export interface CandlesHarness {
  /** Writes `lines` (one frame a line) to a file of the suite's folder; answers its path. */
  file(name: string, lines: readonly string[]): Promise<string>;
  /** `exgate candles --exchange … --format csv` of `input`: the rows (header left out) split into fields, and the report. */
  candles(input: string, interval?: CandlesCommand['interval'], tzOffsetMs?: number): Promise<{ rows: string[][]; report: CandlesReport }>;
}

/**
 * `exgate candles` of one exchange, run in this process over files in a folder of the suite's own
 * (jest hooks registered here). The time zone defaults to the exchange's candle policy.
 */
export function useCandlesHarness(exchange: string): CandlesHarness {
  const module = requireExchange(exchange);
  const adapter = module.create({ clock: systemClock, logger: silentLogger() });
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `exgate-${exchange}-candles-`));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    async file(name, lines) {
      const p = path.join(dir, name);
      await writeFile(p, `${lines.join('\n')}\n`);
      return p;
    },
    async candles(input, interval = '1m', tzOffsetMs = module.info.candlePolicy.tzOffsetMs) {
      let out = '';
      const report = await runCandles(
        { adapter, input, interval, format: 'csv', tzOffsetMs, reorderWindowMs: 60_000, receivedAtMs: Date.now() },
        (chunk) => {
          out += chunk;
        },
      );
      return { rows: out.trim().split('\n').slice(1).map((r) => r.split(',')), report };
    },
  };
}
