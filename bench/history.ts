/**
 * npm run bench -- history — genkline over 1,000,000 stored trades (one stream, the engine
 * benchmark's prints), aggregated inside ClickHouse, next to the JavaScript path it replaced and
 * to the CLI's whole-process time on the same prints as frames. Each genkline runs in a process
 * of its own (bench/history-run.ts) so that its memory growth is its own.
 *   --quick   one run of each
 *   --year    also a year of 1m history (10,000,000 trades, 525,600 candles) through
 *             aggtrade/scanner/kline: time and memory growth (minutes: inserting them is the long part)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Trade } from '@exgate/domain';
import { openStore } from '@exgate/store';
import { measureCli } from './cli';
import { generateTrades, prng } from './trades';

const TRADES = 1_000_000;
const INTERVAL = '1h';
const TARGET_CLI_RATIO = 0.1;
const TARGET_GROWTH_MB = 200;
const REPO = path.resolve(__dirname, '..');

interface Figure {
  readonly ms: number;
  readonly warmMs: number;
  readonly rssGrowthMb: number;
  readonly peakRssMb: number;
  readonly candles: number;
  readonly volume: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function measure(dataDir: string, mode: 'sql' | 'js' | 'regenerate', fromMs: number, toMs: number, interval = INTERVAL): Figure {
  const args = ['--import', 'tsx', path.join(REPO, 'bench', 'history-run.ts'), dataDir, mode, interval, String(fromMs), String(toMs), '1500'];
  const result = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`history-run ${mode} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Figure;
}

function runs(label: string, count: number, body: () => Figure): Figure[] {
  return Array.from({ length: count }, (_, i) => {
    const f = body();
    console.log(`  ${label} run ${i + 1}/${count}: ${fmt(f.ms)} ms first request, ${fmt(f.warmMs)} ms again, +${fmt(f.rssGrowthMb)} MB resident (peak ${fmt(f.peakRssMb)} MB), ${f.candles} candles`);
    return f;
  });
}

export async function runHistoryBench(quick: boolean): Promise<void> {
  const cpus = os.cpus();
  console.log('exgate history benchmark: genkline computed from stored trades');
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.arch()}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes share these cores)`);

  const { trades, fromMs, toMs } = generateTrades(TRADES);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exgate-bench-history-'));
  try {
    const store = await openStore({ kind: 'embedded', dataDir });
    const insertedAt = performance.now();
    for (let i = 0; i < trades.length; i += 100_000) await store.insertTrades(trades.slice(i, i + 100_000));
    await store.close();
    console.log(`input: ${fmt(trades.length)} trades of one stream stored in the embedded engine (chdb), `
      + `${new Date(fromMs).toISOString()} → ${new Date(toMs).toISOString()}, inserted in ${fmt(performance.now() - insertedAt)} ms`);
    console.log(`query: genkline ${INTERVAL} over all of them (startTime ${fromMs}, endTime ${toMs}, limit 1500)\n`);

    const sql = runs('inside ClickHouse', quick ? 1 : 3, () => measure(dataDir, 'sql', fromMs, toMs));
    const js = runs('JS path (replaced)', quick ? 1 : 2, () => measure(dataDir, 'js', fromMs, toMs));
    const cli = await measureCli(trades, INTERVAL);

    const best = (list: Figure[]) => list.reduce((a, b) => (b.ms < a.ms ? b : a));
    const most = (list: Figure[]) => Math.max(...list.map((f) => f.rssGrowthMb));
    const s = best(sql);
    const j = best(js);
    const warm = (list: Figure[]) => Math.min(...list.map((f) => f.warmMs));
    console.log(`\ngenkline ${INTERVAL}, ${fmt(trades.length)} stored trades, ${s.candles} candles `
      + '(first request in a fresh process, best run; again: the same request once more; growth: the largest of the runs)');
    console.log(`  inside ClickHouse (SQL):        ${fmt(s.ms).padStart(6)} ms, again ${fmt(warm(sql)).padStart(6)} ms   +${fmt(most(sql))} MB`);
    console.log(`  JS path it replaced:            ${fmt(j.ms).padStart(6)} ms, again ${fmt(warm(js)).padStart(6)} ms   +${fmt(most(js))} MB`);
    if (cli) {
      console.log(`  CLI whole process, same prints: ${fmt(cli.wallMs).padStart(6)} ms   (${cli.command.replace('FRAMES', `${fmt(cli.lines)} frames`)})`);
      const ratio = s.ms / cli.wallMs;
      console.log(`ratio: ${ratio.toFixed(3)}× the CLI's time (again: ${(warm(sql) / cli.wallMs).toFixed(3)}×), `
        + `${(j.ms / s.ms).toFixed(1)}× faster than the JS path`);
      console.log(`targets: ≤ ${TARGET_CLI_RATIO}× the CLI ${ratio <= TARGET_CLI_RATIO ? 'MET' : 'NOT MET'}; `
        + `≤ ${TARGET_GROWTH_MB} MB growth ${most(sql) <= TARGET_GROWTH_MB ? 'MET' : 'NOT MET'}`);
    }
    // Both paths must have answered the same: a cheap check beside the property tests.
    const same = s.candles === j.candles && Math.abs(s.volume - j.volume) <= 1e-6 * Math.max(1, j.volume);
    console.log(`check: both paths gave ${s.candles} candles, Σ volume ${s.volume.toFixed(3)} vs ${j.volume.toFixed(3)}: ${same ? 'equal' : 'DIFFERENT'}`);
    if (!same) process.exitCode = 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (process.argv.includes('--year')) await yearOfHistory();
}

const YEAR_TRADES = 10_000_000;
const YEAR_START_MS = Date.UTC(2023, 0, 1);
const YEAR_MS = 365 * 86_400_000;

/** A year of one stream, evenly spread (about 19 prints a minute), generated batch by batch. */
function* yearBatches(count: number, batchSize: number): Generator<Trade[]> {
  const random = prng(2023);
  let tick = 250_000;
  for (let start = 0; start < count; start += batchSize) {
    const batch: Trade[] = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      const timeMs = YEAR_START_MS + Math.floor((i * YEAR_MS) / count);
      tick += Math.round((random() - 0.5) * 4);
      const id = 1_000_000 + i;
      batch.push({
        exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', id, firstTradeId: id, lastTradeId: id,
        price: `${Math.floor(tick / 10)}.${tick % 10}`, qty: `0.${String(1 + Math.floor(random() * 999)).padStart(3, '0')}`,
        isBuyerMaker: random() < 0.5, market: true, exchangeTimeMs: timeMs, eventTimeMs: timeMs, receivedAtMs: timeMs + 30,
      });
    }
    yield batch;
  }
}

async function yearOfHistory(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exgate-bench-year-'));
  try {
    const store = await openStore({ kind: 'embedded', dataDir });
    const insertedAt = performance.now();
    for (const batch of yearBatches(YEAR_TRADES, 200_000)) await store.insertTrades(batch);
    await store.close();
    console.log(`
a year of 1m history: ${fmt(YEAR_TRADES)} trades of one stream over 2023, inserted in ${fmt(performance.now() - insertedAt)} ms`);
    const f = measure(dataDir, 'regenerate', YEAR_START_MS, YEAR_START_MS + YEAR_MS, '1m');
    console.log(`  aggtrade/scanner/kline 1m, nothing stored yet: ${fmt(f.ms)} ms, ${fmt(f.candles)} candles written, `
      + `+${fmt(f.rssGrowthMb)} MB resident (peak ${fmt(f.peakRssMb)} MB, both runs)`);
    console.log(`  the same again, nothing to change:             ${fmt(f.warmMs)} ms`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
