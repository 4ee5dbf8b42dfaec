/**
 * A server of its own for bench/api.ts, so that the load generator and the server do not share a
 * thread. Prints `{"port": N}` once listening, then serves until killed.
 *   api <dataDir> [--no-cache]: the real exgate API (createApiDeps + createApi) over the embedded
 *        store in dataDir; live updates on an in-memory bus. --no-cache: every read asks the store.
 *   bare <bodiesFile>: node's bare `http` server answering each path of the JSON file
 *        {path: body} with exactly those bytes.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { MemoryEventBus, MemoryKeyValueStore } from '@exgate/bus';
import { requireExchange } from '@exgate/exchanges';
import { MetricsRegistry, silentLogger, systemClock } from '@exgate/runtime';
import { openStore } from '@exgate/store';
import { createApi, createApiDeps } from '../services/api/src';

async function api(dataDir: string, cache: boolean): Promise<number> {
  const store = await openStore({ kind: 'embedded', dataDir }, { migrate: false });
  const logger = silentLogger();
  // The exchange's REST points nowhere: every answer must come from exgate's own store.
  const adapters = new Map([['binance-usdm', requireExchange('binance-usdm').create({ clock: systemClock, logger, tradeKind: 'trade', restBaseUrl: 'http://127.0.0.1:9' })]]);
  const deps = createApiDeps({
    store, adapters, subscriptions: new MemoryKeyValueStore(), schedules: new MemoryKeyValueStore(), events: new MemoryEventBus(),
    kindOf: () => 'trade', ready: async () => ({ store: true }), clock: systemClock, logger, metrics: new MetricsRegistry(),
    ...(cache ? {} : { candleCache: false as const, tradeCache: false as const }),
  });
  const app = await createApi(deps, { rateLimit: { enabled: false } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

async function bare(bodiesFile: string): Promise<number> {
  const bodies = new Map(Object.entries(JSON.parse(readFileSync(bodiesFile, 'utf8')) as Record<string, string>).map(([p, b]) => [p, Buffer.from(b)]));
  const server = http.createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  const port = mode === 'bare' ? await bare(arg!) : await api(arg!, !process.argv.includes('--no-cache'));
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

// A profile (--cpu-prof) is written on a normal exit only.
process.on('SIGTERM', () => process.exit(0));
