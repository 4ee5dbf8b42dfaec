import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BinanceUsdmSimulator } from '@exgate/exchanges/testing';
import { repoRoot } from '@exgate/testing';
import { openStore } from '@exgate/store';
import { coveredBinanceKlines, tradeLines } from '../testing/binance-window';
import { backfillHelp } from './help';
import { runCli } from './run';

jest.setTimeout(180_000);
const exec = promisify(execFile);

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { isTTY: false, write: (s: string) => (stderr += s) }, nowMs: Date.now });
  return { code, stdout, stderr };
}

describe('exgate backfill (the command)', () => {
  it('checks its arguments before fetching anything: exit 2 with the usage', async () => {
    const cases: [string[], string][] = [
      [['--exchange', 'nope', '--symbol', 'BTCUSDT', '--from', '2024-07-18'], '--exchange must be one of'],
      [['--exchange', 'fbinance', '--symbol', 'btc-usdt', '--from', '2024-07-18'], '--symbol must be a binance-usdm symbol'],
      [['--exchange', 'fbinance', '--symbol', 'BTCUSDT'], '--from DATE is required'],
      [['--exchange', 'fbinance', '--symbol', 'BTCUSDT', '--from', 'yesterday'], '--from DATE is required'],
      [['--exchange', 'fbinance', '--symbol', 'BTCUSDT', '--from', '2024-07-19', '--to', '2024-07-18'], '--to is before --from'],
      [['--exchange', 'fbinance', '--symbol', 'BTCUSDT', '--from', '2024-07-18', '--progress', 'loud'], '--progress must be auto, always or never'],
      [['--exchange', 'fbinance', '--interval', '1m'], "Unknown option '--interval'"],
    ];
    for (const [args, problem] of cases) {
      const r = await cli('backfill', ...args);
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr.startsWith(`exgate: ${problem}`)).toBe(true);
      expect(r.stderr.endsWith(`${backfillHelp.usage}\n`)).toBe(true);
    }
  });

  it('as a process: downloads into the data folder with progress lines, then a second run has nothing left to fetch', async () => {
    const sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: tradeLines() } }, restHistory: 'all' });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-backfill-cli-'));
    try {
      const binance = coveredBinanceKlines();
      const from = String(binance[0]!.openTimeMs);
      const to = new Date(binance.at(-1)!.openTimeMs + 59_999).toISOString();
      const env = { ...process.env, EXGATE_DATA_DIR: dataDir, BINANCE_USDM_REST_URL: sim.restBaseUrl, LOG_LEVEL: 'warn' };
      const run = () => exec('npm', ['run', '-s', 'exgate', '--', 'backfill', '--exchange', 'fbinance', '--symbol', 'btcusdt', '--from', from, '--to', to, '--progress', 'always'], { cwd: repoRoot, env });
      const first = await run();
      const lines = first.stderr.trim().split('\n');
      const summary = JSON.parse(lines.at(-1)!) as { summary: { prints: number; complete: boolean; resumedAfterId: number | null; lastId: number } };
      expect(summary.summary).toMatchObject({ complete: true, resumedAfterId: null });
      expect(summary.summary.prints).toBeGreaterThan(1000);
      // Not a terminal: plain lines, ending with the time it took.
      expect(lines.at(-2)).toMatch(/^backfill BTCUSDT: 100% \d{4}-\d\d-\d\d \d\d:\d\d of \d{4}-\d\d-\d\d \d\d:\d\d, .+ of history\/s, done in \d+:\d\d$/);
      expect(first.stderr).not.toContain('\x1b[');

      const second = JSON.parse((await run()).stderr.trim().split('\n').at(-1)!) as { summary: { prints: number; resumedAfterId: number } };
      expect(second.summary).toMatchObject({ prints: 0, resumedAfterId: summary.summary.lastId });

      const store = await openStore({ kind: 'embedded', dataDir: path.join(dataDir, 'clickhouse') });
      try {
        const candles = await store.candles({ exchange: 'binance-usdm', symbol: 'BTCUSDT', interval: '1m', fromMs: Number(from), toMs: Date.parse(to), limit: 100 });
        expect(candles.map((c) => c.openTimeMs)).toEqual(binance.map((b) => b.openTimeMs));
      } finally {
        await store.close();
      }
    } finally {
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
