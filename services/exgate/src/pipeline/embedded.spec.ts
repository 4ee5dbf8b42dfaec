import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eventually, fixturePath, repoRoot } from '@exgate/testing';
import { coveredBinanceKlines, differences, FIXTURE } from '../testing/binance-window';

jest.setTimeout(180_000);

/** `npm start -- --replay FILE --speed max`, exactly as the README shows it. */
describe('pipeline, embedded: npm start -- --replay', () => {
  let proc: ChildProcess;
  let exit: Promise<number | null>;
  let dataDir: string;
  let base: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-embedded-'));
    proc = spawn('npm', ['start', '--', '--replay', fixturePath(...FIXTURE, 'btcusdt-trade-stream.jsonl'), '--speed', 'max'], {
      cwd: repoRoot,
      env: { ...process.env, EXGATE_DATA_DIR: dataDir, API_PORT: '0', LOG_LEVEL: 'info', KAFKA_BROKERS: '', EXGATE_NAMESPACE: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own process group: a signal reaches npm, tsx and node alike, as from a terminal.
      detached: true,
    });
    // 'close': npm and everything that shares its stdout (tsx, node) have ended.
    exit = new Promise((resolve) => proc.once('close', (code) => resolve(code)));
    // The process logs one line with its URL once it serves.
    base = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: proc.stdout! });
      lines.on('line', (line) => {
        logLines.push(line);
        const m = /"url":"(http:\/\/[^"]+)"/.exec(line);
        if (m && line.includes('exgate is serving')) resolve(m[1]!);
      });
      void exit.then((code) => reject(new Error(`npm start exited early (${code})`)));
    });
  });

  afterAll(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      process.kill(-proc.pid!, 'SIGKILL');
      await exit;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it("serves, from the replayed frames, the candles Binance published for those minutes", async () => {
    const expected = coveredBinanceKlines();
    const [first, last] = [expected[0]!.openTimeMs, expected[expected.length - 1]!.openTimeMs];
    const ours = await eventually(async () => {
      const res = await fetch(`${base}/v1/fbinance/exgate/kline/BTCUSDT/1m/${first}/${last}`);
      const kline = ((await res.json()) as { kline: Record<string, unknown>[] }).kline;
      return kline.length === expected.length && kline.every((k) => k.state === 'closed') && kline;
    }, { what: `all ${expected.length} covered minutes served closed`, timeoutMs: 60_000, intervalMs: 250 });
    expect(ours.map((k) => k.open_time)).toEqual(expected.map((k) => k.openTimeMs));
    expect(expected.flatMap((k, i) => differences(ours[i]!, k))).toEqual([]);
  });

  it('stops gracefully on SIGTERM: every service closes before the process ends', async () => {
    process.kill(-proc.pid!, 'SIGTERM');
    await exit;
    const stopped = logLines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; step?: string; level: number });
    expect(stopped.some((l) => l.msg === 'stopped' && l.step === 'exgate')).toBe(true);
    expect(stopped.filter((l) => l.level >= 50)).toEqual([]);
  });
});
