/**
 * npm run bench -- api — the API's read routes under load beside a bare node http server (bench/api.ts).
 * npm run bench -- pipeline — the trade path end to end, embedded and distributed through Kafka,
 *   beside the CLI (bench/pipeline.ts).
 * npm run bench -- frames — CPU per trade frame of each exchange's mapper, its fast path beside
 *   JSON.parse and zod (bench/fast-frames.ts).
 * npm run bench -- history — genkline inside ClickHouse against the JS path and the CLI
 *   (bench/history.ts).
 * npm run bench — the candle engine on 1,000,000 generated prints, all 16 intervals, one core;
 * ccxt's buildOHLCVC on the same prints for comparison; a correctness check of the engine's
 * output; and the CLI's whole-process time on the same prints as websocket frames.
 *   --quick     fewer repetitions (a smoke run)
 *   --no-cli    skip the CLI figure
 */
import os from 'node:os';
import { type Trade } from '@exgate/domain';
import { measureCli } from './cli';
import { runCcxt } from './ccxt';
import { runEngine } from './engine';
import { runApiBench } from './api';
import { runHistoryBench } from './history';
import { runPipelineBench } from './pipeline';
import { generateTrades } from './trades';
import { verify } from './verify';

const TRADES = 1_000_000;
const TARGET_TRADES_PER_S = 1_500_000;
const TARGET_RATIO = 4;
const quick = process.argv.includes('--quick');

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Best of `runs` after `warmups` (JIT and heap settled); wall clock and this process's CPU time. */
function best(label: string, runs: number, warmups: number, body: () => void): Timing {
  for (let i = 0; i < warmups; i++) body();
  let bestWall = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    body();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    bestWall = Math.min(bestWall, wallMs);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
    process.stdout.write(`  ${label} run ${i + 1}/${runs}: ${fmt(wallMs)} ms\n`);
  }
  return { wallMs: bestWall, cpuMs: bestCpu };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (count: number, ms: number) => (count / ms) * 1000;

async function main(): Promise<void> {
  if (process.argv.slice(2).includes('history')) return runHistoryBench(quick);
  if (process.argv.slice(2).includes('api')) return runApiBench(quick);
  if (process.argv.slice(2).includes('series')) return (await import('./series')).runSeriesBench(quick);
  if (process.argv.slice(2).includes('pipeline')) return runPipelineBench();
  if (process.argv.slice(2).includes('frames')) return (await import('./fast-frames')).runFastFramesBench();
  const cpus = os.cpus();
  console.log('exgate candle engine benchmark');
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.arch()}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes share these cores)`);

  const generatedAt = performance.now();
  const { trades, fromMs, toMs } = generateTrades(TRADES);
  console.log(`input: ${fmt(trades.length)} prints (seeded), ${new Date(fromMs).toISOString()} → ${new Date(toMs).toISOString()}, `
    + `generated in ${fmt(performance.now() - generatedAt)} ms`);

  console.log('\ntiming (best run; one thread)');
  let sink = 0;
  const engine = best('exgate', quick ? 2 : 7, quick ? 1 : 2, () => {
    sink += runEngine(trades, false).emitted;
  });
  const ccxt = best('ccxt', quick ? 1 : 3, 1, () => {
    sink += runCcxt(trades);
  });
  const engineRate = rate(trades.length, engine.wallMs);
  const ccxtRate = rate(trades.length, ccxt.wallMs);
  console.log(`\nexgate engine, 16 intervals, exact:   ${fmt(engineRate)} prints/s (${fmt(engine.wallMs)} ms; `
    + `${fmt(rate(trades.length, engine.cpuMs))} prints/s by CPU time)`);
  console.log(`ccxt buildOHLCVC × 16 intervals, floats: ${fmt(ccxtRate)} prints/s (${fmt(ccxt.wallMs)} ms; `
    + `${fmt(rate(trades.length, ccxt.cpuMs))} prints/s by CPU time)`);
  console.log(`ratio: ${(engineRate / ccxtRate).toFixed(1)}× ccxt`);
  console.log(`targets: ≥ ${fmt(TARGET_TRADES_PER_S)} prints/s ${engineRate >= TARGET_TRADES_PER_S ? 'MET' : 'NOT MET'}; `
    + `≥ ${TARGET_RATIO}× ccxt ${engineRate / ccxtRate >= TARGET_RATIO ? 'MET' : 'NOT MET'}`);

  // Checked after the timing, so that the kept candles do not weigh on the timed runs' heap.
  if (!check(trades)) return;
  if (!process.argv.includes('--no-cli')) await printCli(trades, ccxt.wallMs);
  if (sink < 0) console.log(sink); // keeps the timed work observable
}

/** The engine's answer, recomputed: a decimal.js sample and the folds (see verify.ts). */
function check(trades: readonly Trade[]): boolean {
  const checked = runEngine(trades, true);
  const verification = verify(trades, checked);
  const perInterval = [...checked.closed].map(([i, list]) => `${i}:${list.length}`).join(' ');
  console.log(`\nengine output: ${fmt(checked.emitted)} closed candles (${perInterval}) + ${checked.forming.length} forming`);
  console.log(`verified: ${fmt(verification.againstReference)} candles equal the decimal.js reference, `
    + `${fmt(verification.asFolds)} candles equal the fold of their 1m (or 1s) candles`);
  if (verification.failures.length === 0) return true;
  console.error(`VERIFICATION FAILED (${verification.failures.length}):\n  ${verification.failures.slice(0, 20).join('\n  ')}`);
  process.exitCode = 1;
  return false;
}

/** The CLI's whole process, with tsx and compiled (when `npm run build` has been run), against ccxt's time. */
async function printCli(trades: readonly Trade[], ccxtMs: number): Promise<void> {
  for (const compiled of [false, true]) {
    const figure = await measureCli(trades, '1m', compiled);
    if (!figure) {
      console.log(`\nCLI ${compiled ? 'compiled: dist/ not built (npm run build)' : ': services/exgate/src/cli.ts not found'}, not measured`);
      continue;
    }
    const ratio = figure.wallMs / ccxtMs;
    console.log(`\nCLI whole process${compiled ? ', compiled' : ', with tsx'} on ${fmt(figure.lines)} trade frames: ${(figure.wallMs / 1000).toFixed(2)} s `
      + `(${fmt(rate(figure.lines, figure.wallMs))} frames/s), ${ratio.toFixed(2)}× ccxt's time (target ≤ ${CLI_TARGET_RATIO}×: ${ratio <= CLI_TARGET_RATIO ? 'MET' : 'NOT MET'})`
      + `\n  ${figure.command}\n  ${figure.summary}`);
  }
}

/** Issue 9: the CLI's whole process in at most half the time ccxt takes over the same prints. */
const CLI_TARGET_RATIO = 0.5;

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
