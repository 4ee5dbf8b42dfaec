#!/usr/bin/env node
// Starts what deploy/image/dockerfile.js built, as a container would run it (the image's
// entrypoint, command, working directory and environment), and checks that it serves:
//
//   distributed image: the collector and the scheduler against the real Kafka and NATS answer
//     /healthz, /readyz and /metrics, pass the image's HEALTHCHECK and stop cleanly on SIGTERM;
//     the API asked for EXGATE_STORE=chdb stops at once and says the engine is not in this image.
//   embedded image: `--replay` of the recorded Binance trades serves the minute 00:00 as Binance
//     published it on /v1, and the chart page with its files; the API and the aggregator run in
//     distributed mode with EXGATE_STORE=chdb.
//
//   node deploy/image/smoke.js --images DIR --fixtures DIR   (KAFKA_BROKERS and NATS_URL set)
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, v, i, all) => (i % 2 === 0 ? [...acc, [v.replace(/^--/, ''), all[i + 1]]] : acc), []));
const images = path.resolve(args.images);
const fixtures = path.resolve(args.fixtures);
for (const v of ['KAFKA_BROKERS', 'NATS_URL']) if (!process.env[v]) throw new Error(`${v} must point at the running broker`);
const namespace = `smoke-${process.pid}-${Date.now().toString(36)}`;

const image = (target) => JSON.parse(fs.readFileSync(path.join(images, `${target}.json`), 'utf8'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const running = [];

/** `docker run IMAGE [cmd…]` with -e for each of `env`. */
function run(img, name, env, cmd = img.cmd) {
  const log = path.join(images, `${name}.log`);
  const out = fs.openSync(log, 'w');
  const [bin, ...rest] = [...img.entrypoint, ...cmd];
  const child = spawn(bin, rest, {
    cwd: img.workdir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...img.env, ...env },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const proc = { name, child, log, exited, env: { ...img.env, ...env } };
  running.push(proc);
  return proc;
}

const tail = (proc) => fs.readFileSync(proc.log, 'utf8').split('\n').slice(-25).join('\n');

async function get(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text() };
}

/** Polls until `probe` returns a value (not undefined), or fails naming what it waited for. */
async function until(what, proc, probe, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  while (Date.now() < deadline) {
    const exit = await Promise.race([proc.exited, sleep(0).then(() => null)]);
    if (exit) throw new Error(`${proc.name} exited (${JSON.stringify(exit)}) while waiting for ${what}:\n${tail(proc)}`);
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e.message;
    }
    await sleep(500);
  }
  throw new Error(`${proc.name}: ${what} not within ${timeoutMs / 1000}s (last: ${last}):\n${tail(proc)}`);
}

const ok = (what, got, want) => {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
};

/** The image's own HEALTHCHECK command, run as Docker would: inside the container's environment. */
function healthcheck(img, proc) {
  const [bin, ...rest] = img.healthcheck;
  const r = spawnSync(bin, rest, { cwd: img.workdir, env: { PATH: process.env.PATH, ...proc.env }, timeout: 10_000 });
  ok(`${proc.name}: HEALTHCHECK exit code`, r.status, 0);
}

async function served(img, proc, opsPort, metric) {
  await until('/healthz 200', proc, async () => ((await get(`http://127.0.0.1:${opsPort}/healthz`)).status === 200 ? true : undefined));
  await until('/readyz 200', proc, async () => ((await get(`http://127.0.0.1:${opsPort}/readyz`)).status === 200 ? true : undefined));
  const metrics = await get(`http://127.0.0.1:${opsPort}/metrics`);
  if (!metrics.body.includes(`# TYPE ${metric} `)) throw new Error(`${proc.name}: /metrics lacks ${metric}`);
  healthcheck(img, proc);
}

async function stops(proc) {
  proc.child.kill('SIGTERM');
  const exit = await Promise.race([proc.exited, sleep(30_000).then(() => ({ code: 'still running after 30 s' }))]);
  ok(`${proc.name}: exit after SIGTERM`, exit.code, 0);
}

const common = () => ({ EXGATE_BUS: 'kafka', KAFKA_BROKERS: process.env.KAFKA_BROKERS, NATS_URL: process.env.NATS_URL, EXGATE_NAMESPACE: namespace, LOG_LEVEL: 'info' });

const checks = [
  ['distributed: collector and scheduler serve, pass HEALTHCHECK, stop on SIGTERM', async () => {
    const img = image('distributed');
    for (const [service, metric] of [['collector', 'exgate_collector_trades_total'], ['scheduler', 'exgate_scheduler_leader']]) {
      const opsPort = await freePort();
      const proc = run(img, `distributed-${service}`, { ...common(), OPS_PORT: String(opsPort) }, [`dist/services/${service}/src/main.js`]);
      await served(img, proc, opsPort, metric);
      await stops(proc);
    }
  }],
  ['distributed: no chdb in the image; EXGATE_STORE=chdb stops with the reason', async () => {
    const img = image('distributed');
    if (fs.existsSync(path.join(img.workdir, 'node_modules', 'chdb'))) throw new Error('node_modules/chdb is in the distributed image');
    const proc = run(img, 'distributed-api-chdb', { ...common(), OPS_PORT: String(await freePort()), API_PORT: String(await freePort()), EXGATE_STORE: 'chdb', EXGATE_DATA_DIR: path.join(images, 'data-none') });
    const exit = await Promise.race([proc.exited, sleep(30_000).then(() => ({ code: 'still running after 30 s' }))]);
    ok('api with EXGATE_STORE=chdb: exit code', exit.code, 1);
    if (!/npm package chdb\) is not installed/.test(fs.readFileSync(proc.log, 'utf8'))) throw new Error(`the API did not say why:\n${tail(proc)}`);
  }],
  ['embedded: --replay serves Binance\'s published minute on /v1 and the chart page, passes HEALTHCHECK, stops on SIGTERM', async () => {
    const img = image('embedded');
    const apiPort = await freePort();
    const trades = path.join(fixtures, 'binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
    const proc = run(img, 'embedded', { API_PORT: String(apiPort), EXGATE_DATA_DIR: path.join(images, 'data-embedded') }, [...img.cmd, '--replay', trades, '--speed', 'max']);
    const minute = 1721347200000;
    const [kline] = await until('the 00:00 candle closed', proc, async () => {
      const r = await get(`http://127.0.0.1:${apiPort}/v1/fbinance/exgate/kline/BTCUSDT/1m/${minute}/${minute}`);
      const body = r.status === 200 ? JSON.parse(r.body) : null;
      return body && body.kline.length === 1 && body.kline[0].state === 'closed' ? body.kline : undefined;
    });
    const csv = fs.readFileSync(path.join(fixtures, 'binance', 'usdm-trades-2024-07-18', 'btcusdt-klines-1m.csv'), 'utf8');
    const row = csv.split('\n').map((l) => l.split(',')).find((c) => c[0] === String(minute));
    const decimal = (s) => String(s).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    for (const [field, column] of [['open', 1], ['high', 2], ['low', 3], ['close', 4], ['volume', 5]]) ok(`kline ${field}`, decimal(kline[field]), decimal(row[column]));
    ok('kline trade_count', kline.trade_count, Number(row[8]));
    // The chart page and the files it loads: copied into dist/ and node_modules by the build.
    const page = await get(`http://127.0.0.1:${apiPort}/`);
    ok('GET / status', page.status, 200);
    for (const file of [...page.body.matchAll(/(?:src|href)="(\/chart\/[^"]+)"/g)].map((m) => m[1])) {
      ok(`GET ${file} status`, (await get(`http://127.0.0.1:${apiPort}${file}`)).status, 200);
    }
    if (!page.body.includes('/chart/lightweight-charts.js')) throw new Error('the chart page does not load lightweight-charts');
    healthcheck(img, proc);
    await stops(proc);
  }],
  ['embedded image, distributed mode: the API and the aggregator with EXGATE_STORE=chdb', async () => {
    const img = image('embedded');
    const apiPort = await freePort();
    const apiOps = await freePort();
    const api = run(img, 'embedded-api', { ...common(), OPS_PORT: String(apiOps), API_PORT: String(apiPort), EXGATE_STORE: 'chdb', EXGATE_DATA_DIR: path.join(images, 'data-api') }, ['dist/services/api/src/main.js']);
    await served({ ...img, healthcheck: image('distributed').healthcheck }, api, apiOps, 'exgate_api_requests_total');
    const r = await get(`http://127.0.0.1:${apiPort}/v1/fbinance/exgate/kline/BTCUSDT/1m/0/60000`);
    ok('API stored klines: status', r.status, 200);
    ok('API stored klines: body', r.body, '{"kline":[]}');
    const aggOps = await freePort();
    const aggregator = run(img, 'embedded-aggregator', { ...common(), OPS_PORT: String(aggOps), EXGATE_STORE: 'chdb', EXGATE_DATA_DIR: path.join(images, 'data-aggregator') }, ['dist/services/aggregator/src/main.js']);
    await served({ ...img, healthcheck: image('distributed').healthcheck }, aggregator, aggOps, 'exgate_aggregator_trades_total');
    await stops(api);
    await stops(aggregator);
  }],
];

(async () => {
  let failed = 0;
  for (const [name, check] of checks) {
    const started = Date.now();
    try {
      await check();
      console.log(`ok     ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed += 1;
      console.log(`FAILED ${name}\n  ${String(e.message).split('\n').join('\n  ')}`);
    }
    for (const p of running.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
  console.log(failed === 0 ? `image smoke: all ${checks.length} checks passed` : `image smoke: ${failed} of ${checks.length} checks failed`);
  process.exit(failed === 0 ? 0 : 1);
})();
