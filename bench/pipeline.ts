/**
 * npm run bench -- pipeline [--prints N] [--span-hours H] [--only embedded|distributed] [--flush-ms N] [--compression none|gzip] [--no-cli] [--tsx]
 *
 * The trade path end to end on the same frames as the CLI figure (Binance USDⓈ-M trade frames,
 * seeded), each print checked stored:
 * - embedded: `npm start -- --replay FILE --speed max` (startEmbedded in this process, the replay's
 *   simulator in its child, as npm start has it): simulator → websocket → collector → in-memory
 *   log → aggregator → chdb.
 * - distributed: the simulator here; the collector and the aggregator as their own processes,
 *   run as the image runs them (`npm run build`, then `node --enable-source-maps
 *   --max-semi-space-size=64 dist/services/<name>/src/main.js`, configured by environment as in a
 *   pod; `--tsx` runs their main.ts through tsx instead, as `npm start` runs code); the real Kafka
 *   between them; the aggregator's store chdb in its own data folder. Done when its metrics count
 *   every print; then the store is opened and its last print checked.
 * prints/s is over the stretch from the first print counted to the last (start-up left out, said
 * apart); the CLI's figure on the same prints is printed beside, and the CPU time a print took
 * over the same stretch (the embedded process; the collector's and the aggregator's processes). The prints span 2¾ days unless
 * `--span-hours` says otherwise: every interval rolls, but at 4 prints a second there are about
 * as many 1s candles as prints (237,600 of them), and the pipeline stores and publishes every
 * candle; `--span-hours 3` is BTCUSDT futures' density on an ordinary day (~90 prints a second).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buckets, encodeRecord, subscriptionKey } from '@exgate/bus';
import { requireExchange } from '@exgate/exchanges';
import { connectDistributedBus } from '@exgate/platform';
import { MetricsRegistry, parseConfig, silentLogger } from '@exgate/runtime';
import { openStore } from '@exgate/store';
import { embeddedEnv, startEmbedded } from '../services/exgate/src/embedded';
import { serviceArgs } from '../faults/harness/services';
import { prepareServices, servicesCompiled } from './build';
import { ensureBus } from './bus';
import { frameOf, measureCli, type CliFigure } from './cli';
import { generateTrades } from './trades';

const REPO = path.resolve(__dirname, '..');
const TARGET_DISTRIBUTED = 150_000;
const STREAM = { exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade' } as const;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};

interface PipelineFigure {
  readonly prints: number;
  /** From the first print counted to the last one stored. */
  readonly flowMs: number;
  /** From start (processes spawned, or startEmbedded called) to the last one stored. */
  readonly wholeMs: number;
}

const rate = (f: PipelineFigure) => (f.prints / f.flowMs) * 1000;

/** Writes the frames file and measures the CLI on it; the prints are not kept. */
async function prepare(count: number, file: string, spanHours: string | undefined): Promise<{ lastId: number; cli: CliFigure | null }> {
  const { trades, fromMs, toMs } = generateTrades(count, undefined, spanHours === undefined ? undefined : Number(spanHours) * 3_600_000);
  await writeFile(file, `${trades.map(frameOf).join('\n')}\n`);
  const seconds = (toMs - fromMs) / 1000;
  console.log(`input: ${fmt(count)} Binance USDⓈ-M trade frames (seeded), ${fmt((await stat(file)).size / 1e6)} MB, `
    + `over ${(seconds / 3600).toFixed(1)} h of exchange time (${fmt(count / seconds)} prints a second; ~${fmt(seconds)} 1s candles)`);
  const cli = process.argv.includes('--no-cli') ? null : await measureCli(trades);
  return { lastId: trades[trades.length - 1]!.id, cli };
}

export async function runPipelineBench(): Promise<void> {
  const count = Number(arg('prints') ?? 1_000_000);
  const only = arg('only');
  const cpus = os.cpus();
  console.log('exgate trade path benchmark (npm run bench -- pipeline)');
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.arch()}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes share these cores)`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'exgate-bench-pipeline-'));
  const file = path.join(dir, 'frames.jsonl');
  // The prints live only while the file is written and the CLI measured: a million Trade objects
  // held through the embedded run would be old-generation heap that `npm start` does not have.
  const { lastId, cli } = await prepare(count, file, arg('span-hours'));
  // And their garbage is collected now: left for V8 to reach, the old generation's next full
  // collection would be a gigabyte away, and the embedded run would fill fresh pages all along
  // (`npm run bench` runs node with --expose-gc for this).
  (globalThis as { gc?: () => void }).gc?.();
  try {
    const results: string[] = [];
    const cliRate = cli ? (cli.lines / cli.wallMs) * 1000 : null;
    if (cli) results.push(`CLI whole process:        ${fmt(cliRate!)} prints/s (${(cli.wallMs / 1000).toFixed(2)} s)\n  ${cli.command}`);
    if (only !== 'distributed') {
      const embedded = await runEmbedded(file, dir, count, lastId);
      results.push(`embedded pipeline:        ${fmt(rate(embedded))} prints/s (${(embedded.flowMs / 1000).toFixed(2)} s flowing, `
        + `${(embedded.wholeMs / 1000).toFixed(2)} s with start-up)${cliRate ? `, ${(rate(embedded) / cliRate).toFixed(2)}× the CLI (target ≥ 0.5×)` : ''}`);
    }
    if (only !== 'embedded') {
      const flushMs = arg('flush-ms') ?? '100';
      const compression = arg('compression') ?? 'none';
      const compiled = servicesCompiled();
      const distributed = await runDistributed(file, dir, count, lastId, flushMs, compression, compiled);
      results.push(`distributed pipeline:     ${fmt(rate(distributed))} prints/s (${(distributed.flowMs / 1000).toFixed(2)} s flowing, `
        + `${(distributed.wholeMs / 1000).toFixed(2)} s with start-up; COLLECTOR_FLUSH_MS=${flushMs}, KAFKA_COMPRESSION=${compression}, `
        + `${compiled ? 'compiled' : 'tsx'}); `
        + `target ≥ ${fmt(TARGET_DISTRIBUTED)} ${rate(distributed) >= TARGET_DISTRIBUTED ? 'MET' : 'NOT MET'}`
        + `${cliRate ? `, ${(rate(distributed) / cliRate).toFixed(2)}× the CLI` : ''}`);
    }
    console.log(`\n${results.join('\n')}`);
    console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runEmbedded(file: string, dir: string, count: number, lastId: number): Promise<PipelineFigure> {
  console.log('\nembedded: npm start -- --replay FILE --speed max (in this process; the replay\'s simulator in a child process)');
  const metrics = new MetricsRegistry();
  const config = parseConfig(embeddedEnv, {
    EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb', EXGATE_DATA_DIR: path.join(dir, 'embedded'), API_PORT: '0', API_HOST: '127.0.0.1',
    BINANCE_USDM_STREAM: STREAM.kind, LOG_LEVEL: 'warn',
  }, []);
  const started = performance.now();
  const exgate = await startEmbedded({ config, replay: { file, exchange: STREAM.exchange, speed: 'max' }, logger: silentLogger(), metrics });
  try {
    const counted = () => sumMetric(metrics.render(), 'exgate_aggregator_trades_total');
    const firstAt = await waitFor(async () => (counted() > 0 ? performance.now() : null), 'the first print counted', 300_000);
    const cpuAtFirst = process.cpuUsage();
    await waitFor(async () => (counted() >= count ? true : null), `${fmt(count)} prints counted`, 900_000, progress(counted, count));
    await waitFor(async () => ((await exgate.store.lastTradeId(STREAM)) === lastId ? true : null), 'the last print stored', 120_000);
    const doneAt = performance.now();
    const cpu = process.cpuUsage(cpuAtFirst);
    console.log(`  counted ${fmt(counted())} prints; the last print (id ${lastId}) is stored; CPU of this process (its `
      + `threads, the engine's among them) while they flowed: ${((cpu.user + cpu.system) / count).toFixed(2)} µs a print `
      + `(user ${(cpu.user / count).toFixed(2)}, system ${(cpu.system / count).toFixed(2)})`);
    return { prints: count, flowMs: doneAt - firstAt, wholeMs: doneAt - started };
  } finally {
    await exgate.close();
  }
}

async function runDistributed(file: string, dir: string, count: number, lastId: number, flushMs: string, compression: string, compiled: boolean): Promise<PipelineFigure> {
  console.log(`\ndistributed: collector process → Kafka → aggregator process → chdb (COLLECTOR_FLUSH_MS=${flushMs}, KAFKA_COMPRESSION=${compression})`);
  prepareServices(compiled);
  const namespace = `bench${Date.now().toString(36)}`;
  const { brokers, natsUrl } = ensureBus();
  const busEnv = {
    KAFKA_BROKERS: brokers, KAFKA_PARTITIONS: '4', NATS_URL: natsUrl,
    EXGATE_NAMESPACE: namespace, KAFKA_COMPRESSION: compression,
  };
  const frames = (await readFile(file, 'utf8')).split('\n');
  const simulator = await (await requireExchange(STREAM.exchange).loadSimulator()).start({ frames, host: '127.0.0.1', restHistory: 'printed', pace: 'asap' });
  const logger = silentLogger();
  const bus = await connectDistributedBus(parseConfig(embeddedEnv, { ...busEnv, EXGATE_BUS: 'kafka' }, []), logger, 'bench');
  const subscriptions = await bus.kv(buckets.subscriptions);
  await subscriptions.put(subscriptionKey(STREAM.exchange, STREAM.symbol), encodeRecord({ exchange: STREAM.exchange, symbol: STREAM.symbol, interval: '1m', sinceMs: Date.now() }));
  const dataDir = path.join(dir, 'aggregator');
  const opsPort = await freePort();
  const started = performance.now();
  const aggregator = service('aggregator', { ...busEnv, EXGATE_STORE: 'chdb', EXGATE_DATA_DIR: dataDir, OPS_PORT: String(opsPort) }, compiled);
  const collector = service('collector', {
    ...busEnv, OPS_PORT: String(await freePort()), BINANCE_USDM_WS_URL: simulator.wsBaseUrl, BINANCE_USDM_REST_URL: simulator.restBaseUrl,
    BINANCE_USDM_STREAM: STREAM.kind, COLLECTOR_FLUSH_MS: flushMs,
  }, compiled);
  try {
    const counted = async () => {
      try {
        return sumMetric(await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text(), 'exgate_aggregator_trades_total');
      } catch {
        return 0; // not listening yet
      }
    };
    let last = 0;
    const firstAt = await waitFor(async () => (((last = await counted())) > 0 ? performance.now() : null), 'the first print counted', 300_000);
    const cpuAtFirst = [cpuTicks(collector), cpuTicks(aggregator)];
    await waitFor(async () => (((last = await counted())) >= count ? true : null), `${fmt(count)} prints counted`, 900_000, progress(() => last, count));
    const doneAt = performance.now();
    const cpu = [cpuTicks(collector), cpuTicks(aggregator)].map((ticks, i) => cpuPerPrint(cpuAtFirst[i]!, ticks, count));
    console.log(`  counted ${fmt(last)} prints; CPU while they flowed: collector ${cpu[0]}, aggregator ${cpu[1]}`);
    await stop(collector);
    await stop(aggregator);
    // Where openConfiguredStore put it (libs/platform/src/store.ts).
    const store = await openStore({ kind: 'embedded', dataDir: path.join(dataDir, 'clickhouse'), database: 'exgate' });
    try {
      const stored = await store.lastTradeId(STREAM);
      if (stored !== lastId) throw new Error(`the aggregator's store ends at id ${stored}, the frames at ${lastId}`);
      console.log(`  the last print (id ${lastId}) is stored`);
    } finally {
      await store.close();
    }
    return { prints: count, flowMs: doneAt - firstAt, wholeMs: doneAt - started };
  } finally {
    collector.kill('SIGKILL');
    aggregator.kill('SIGKILL');
    await bus.close();
    await simulator.close();
  }
}

/**
 * A process's CPU time so far (user, system) in clock ticks, from /proc: CPU a print is steadier
 * than prints a second on a shared machine, as waiting for a core is not in it. Null off Linux.
 */
function cpuTicks(child: ChildProcess): readonly [number, number] | null {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [Number(fields[11]), Number(fields[12])]; // utime, stime: fields 14 and 15 of proc(5)
  } catch {
    return null;
  }
}

/** Linux's clock ticks are 100 a second (USER_HZ) on every platform node runs on. */
const TICK_US = 10_000;

function cpuPerPrint(from: readonly [number, number] | null, to: readonly [number, number] | null, prints: number): string {
  if (!from || !to) return 'n/a';
  const user = ((to[0] - from[0]) * TICK_US) / prints;
  const system = ((to[1] - from[1]) * TICK_US) / prints;
  return `${(user + system).toFixed(2)} µs a print (user ${user.toFixed(2)}, system ${system.toFixed(2)})`;
}

/** BENCH_PROFILE_DIR=DIR: each service writes CPU profiles to DIR/<service> when it stops (node --cpu-prof). */
function service(name: 'collector' | 'aggregator', env: Readonly<Record<string, string>>, compiled: boolean): ChildProcess {
  // A folder per service, names left to node: the loader's thread writes a profile of its own.
  const profileDir = process.env.BENCH_PROFILE_DIR ? path.join(process.env.BENCH_PROFILE_DIR, name) : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return spawn(process.execPath, [...profile, ...serviceArgs(`services/${name}/src/main.ts`, compiled)], {
    cwd: REPO, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** The sum of a counter over its labels, from Prometheus text. */
function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === '{' || line[name.length] === ' ')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function progress(counted: () => number, count: number): () => void {
  let shown = 0;
  return () => {
    const tenth = Math.floor((counted() / count) * 10);
    if (tenth > shown && tenth < 10) {
      shown = tenth;
      process.stdout.write(`  ${tenth * 10}%\n`);
    }
  };
}

async function waitFor<T>(probe: () => Promise<T | null>, what: string, timeoutMs: number, onPoll?: () => void): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    onPoll?.();
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
