import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireExchange } from '@exgate/exchanges';
import { fixtureLines, fixturePath, repoRoot } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { hotbitFramesFromBinance } from '@exgate/exchanges/testing';
import { runCandles } from './candles';

const hotbit = requireExchange('hotbit');
const adapter = hotbit.create({ clock: systemClock, logger: silentLogger() });
/** HotBit's documentation examples: the only HotBit frames there are (it stopped in 2023). */
const docExamples = fixturePath('hotbit', 'doc-examples.jsonl');

async function run(input: string, interval: '1m' | '1d'): Promise<{ rows: string[]; report: Awaited<ReturnType<typeof runCandles>> }> {
  let out = '';
  const report = await runCandles(
    { adapter, input, interval, format: 'csv', tzOffsetMs: hotbit.info.candlePolicy.tzOffsetMs, reorderWindowMs: 60_000, receivedAtMs: Date.now() },
    (chunk) => {
      out += chunk;
    },
  );
  return { rows: out.trim().split('\n').slice(1), report };
}

describe('exgate candles --exchange hotbit', () => {
  it("builds the documentation's deals into one Singapore day and counts every other frame by kind", async () => {
    const { rows, report } = await run(docExamples, '1d');
    // Deals 24..26 of BTCBCC, 2017-12-05 02:22–06:20 UTC, all taker buys: one day from 16:00 UTC the day before.
    expect(rows).toEqual([`${Date.UTC(2017, 11, 4, 16)},8000,8000,8000,8000,1.250,${Date.UTC(2017, 11, 5, 16) - 1},10000.000,3,1.250,10000.000,0`]);
    expect(report).toMatchObject({ lines: 9, prints: 3, control: 3, rejected: { schema: 3, unknown_stream: 1, unknown_symbol: 1 }, tooLate: 0 });
  });

  it('runs as a command on re-encoded real prints', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'exgate-hotbit-cli-'));
    try {
      const file = path.join(dir, 'hotbit.jsonl');
      const frames = hotbitFramesFromBinance(fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl'));
      await writeFile(file, frames.join('\n'));
      const { rows, report } = await run(file, '1m');
      expect(report).toMatchObject({ lines: frames.length, prints: 10_701, rejected: {}, tooLate: 0 });
      const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
      const cli = path.join(repoRoot, 'services', 'exgate', 'src', 'cli.ts');
      const ok = await promisify(execFile)(tsx, [cli, 'candles', '--exchange', 'hotbit', '--input', file, '--interval', '1m', '--progress', 'never'], { cwd: repoRoot });
      expect(ok.stdout.trim().split('\n').slice(1)).toEqual(rows);
      expect(JSON.parse(ok.stderr).summary.prints).toBe(10_701);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
