/**
 * npm run bench -- api — the API's read routes under load (issue 9 part 1), each beside node's
 * bare `http` server answering the very same bytes, in the same run, at 16 keep-alive connections:
 *   - the stored-candle route (exgate/kline) with 500 and with 10 1m candles,
 *   - `recent` with the default 500 trades.
 * The API is the real one (bench/api-server.ts) over the embedded store, holding 50,000 stored
 * trades and their 1m candles; before, the same API with its caches off (every read asks the
 * store: the path this replaced).
 *   --quick   one short round
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildCandles } from '@exgate/domain';
import { openStore } from '@exgate/store';
import { load, type LoadResult } from './load';
import { generateTrades } from './trades';

const TRADES = 50_000;
const CONNECTIONS = 16;
const TARGET_RATIO = 0.25;
const AIM_RATIO = 0.5;
const TARGET_P99_MS = 10;
const REPO = path.resolve(__dirname, '..');

interface Server {
  readonly base: string;
  readonly child: ChildProcess;
}

async function startServer(args: readonly string[]): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench', 'api-server.ts'), ...args], {
    cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server ${args[0]} exited ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  return { base: `http://127.0.0.1:${port}`, child };
}

async function stopServer(s: Server): Promise<void> {
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill('SIGTERM');
  await exited;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
const line = (label: string, r: LoadResult) =>
  `  ${label.padEnd(22)} ${fmt(r.perSecond).padStart(7)} req/s   p50 ${ms(r.p50Ms).padStart(7)} ms   p99 ${ms(r.p99Ms).padStart(7)} ms`
  + `   server CPU ${fmt(r.serverCpuUsPerRequest).padStart(6)} µs/request`
  + `${r.errors > 0 ? `   ${r.errors} errors` : ''}`;

export async function runApiBench(quick: boolean): Promise<void> {
  const seconds = quick ? 2 : 3;
  const rounds = quick ? 1 : 3;
  const cpus = os.cpus();
  console.log('exgate API benchmark: read routes from memory, beside a bare node http server on the same bytes');
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.arch()}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes share these cores)`);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'exgate-bench-api-'));
  const servers: Server[] = [];
  try {
    const { trades } = generateTrades(TRADES);
    const candles = buildCandles(trades, '1m');
    const store = await openStore({ kind: 'embedded', dataDir });
    await store.insertTrades(trades);
    await store.upsertCandles(candles);
    await store.close();
    const last = candles[candles.length - 1]!;
    console.log(`input: ${fmt(trades.length)} stored trades of binance-usdm BTCUSDT, ${fmt(candles.length)} stored 1m candles; `
      + `${CONNECTIONS} keep-alive connections, `
      + `${rounds} alternating round(s) of ${seconds} s per server after 1 s of warm-up`);

    const routes = [
      { label: 'exgate/kline 500 1m', path: klinePath(candles[candles.length - 500]!.openTimeMs, last.openTimeMs, 500) },
      { label: 'exgate/kline 10 1m', path: klinePath(candles[candles.length - 10]!.openTimeMs, last.openTimeMs, 10) },
      { label: 'recent 500 trades', path: '/v1/binance-usdm/recent/BTCUSDT?limit=500' },
    ];

    const api = await startServer(['api', dataDir]);
    servers.push(api);
    const bodies: Record<string, string> = {};
    for (const r of routes) {
      const res = await fetch(`${api.base}${r.path}`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${r.path}: ${res.status} ${text}`);
      bodies[r.path] = text;
    }
    const bodiesFile = path.join(dataDir, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const bare = await startServer(['bare', bodiesFile]);
    servers.push(bare);

    const results: { label: string; api: LoadResult; bare: LoadResult; bytes: number }[] = [];
    for (const r of routes) {
      const bareText = await (await fetch(`${bare.base}${r.path}`)).text();
      if (bareText !== bodies[r.path]) throw new Error(`${r.path}: the bare server does not answer the same bytes`);
      console.log(`\n${r.label}: ${fmt(Buffer.byteLength(bodies[r.path]!))} bytes per answer`);
      // Rounds alternate between the two servers, so that a burst of load from other processes on
      // the shared cores weighs on both; the best round of each is kept (as the engine bench does).
      let a: LoadResult | undefined;
      let b: LoadResult | undefined;
      for (let round = 1; round <= rounds; round++) {
        const ar = await load(`${api.base}${r.path}`, CONNECTIONS, seconds, api.child.pid);
        const br = await load(`${bare.base}${r.path}`, CONNECTIONS, seconds, bare.child.pid);
        console.log(`  round ${round}/${rounds}: exgate ${fmt(ar.perSecond)} req/s (p99 ${ms(ar.p99Ms)} ms), bare ${fmt(br.perSecond)} req/s (p99 ${ms(br.p99Ms)} ms)`);
        if (!a || ar.perSecond > a.perSecond) a = ar;
        if (!b || br.perSecond > b.perSecond) b = br;
      }
      console.log(line('exgate API (best)', a!));
      console.log(line('bare node http (best)', b!));
      console.log(`  ratio: ${(a!.perSecond / b!.perSecond).toFixed(2)} of bare by req/s; `
        + `${(b!.serverCpuUsPerRequest / a!.serverCpuUsPerRequest).toFixed(2)} by server CPU per request (less sensitive to other load)`);
      results.push({ label: r.label, api: a!, bare: b!, bytes: Buffer.byteLength(bodies[r.path]!) });
    }
    await stopServer(api);
    await stopServer(bare);
    servers.length = 0;

    // The path this replaced: the same API, every read a store query.
    const uncached = await startServer(['api', dataDir, '--no-cache']);
    servers.push(uncached);
    console.log('\nthe same API with its caches off (every read asks the embedded store)');
    for (const r of routes) {
      const text = await (await fetch(`${uncached.base}${r.path}`)).text();
      if (text !== bodies[r.path]) throw new Error(`${r.path}: the store-only answer differs from the cached one`);
      console.log(line(r.label, await load(`${uncached.base}${r.path}`, CONNECTIONS, quick ? 2 : 3, uncached.child.pid)));
    }
    console.log('  (answers byte-identical to the cached API\'s)');

    console.log(`\ntargets: ≥ ${TARGET_RATIO} of bare (aim ${AIM_RATIO}), p99 ≤ ${TARGET_P99_MS} ms at ${CONNECTIONS} connections`);
    for (const r of results) {
      const ratio = r.api.perSecond / r.bare.perSecond;
      console.log(`  ${r.label.padEnd(22)} ${ratio.toFixed(2)} of bare ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`
        + `${ratio >= AIM_RATIO ? ' (aim met)' : ''}; p99 ${ms(r.api.p99Ms)} ms ${r.api.p99Ms <= TARGET_P99_MS ? 'MET' : 'NOT MET'}`);
    }
    console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    for (const s of servers) await stopServer(s);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function klinePath(fromMs: number, toMs: number, limit: number): string {
  return `/v1/binance-usdm/exgate/kline/BTCUSDT/1m/${fromMs}/${toMs}?limit=${limit}`;
}
