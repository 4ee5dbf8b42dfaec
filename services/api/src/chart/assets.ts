import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ExgateError } from '@exgate/errors';

/**
 * The live chart page: `/` and its files under `/chart/`, all served by exgate itself (nothing
 * from a CDN), including TradingView's lightweight-charts from node_modules. ADR 0014.
 */
export const CHART_PREFIX = '/chart/';

const PAGE_DIR = path.join(__dirname, 'page');
/** The package exports no subpath for its standalone build: locate it from the package's own file. */
const LIBRARY_FILE = path.join(path.dirname(require.resolve('lightweight-charts/package.json')), 'dist', 'lightweight-charts.standalone.production.js');

const JS = 'text/javascript; charset=utf-8';
const FILES: ReadonlyArray<readonly [name: string, file: string, type: string]> = [
  ['app.js', path.join(PAGE_DIR, 'app.js'), JS],
  ['model.js', path.join(PAGE_DIR, 'model.js'), JS],
  ['chart.css', path.join(PAGE_DIR, 'chart.css'), 'text/css; charset=utf-8'],
  ['lightweight-charts.js', LIBRARY_FILE, JS],
];

/**
 * Only this origin: scripts, styles and the API (fetch and the websocket). The chart library sets
 * style attributes on the elements it creates, hence inline styles (never inline scripts).
 */
const CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** Reads every file once, at start: a missing one stops the API here rather than at a visitor's request. */
export async function registerChartPage(app: FastifyInstance): Promise<void> {
  const page: Asset = { body: await readFile(path.join(PAGE_DIR, 'index.html')), type: 'text/html; charset=utf-8' };
  const assets = new Map<string, Asset>();
  for (const [name, file, type] of FILES) assets.set(name, { body: await readFile(file), type });

  const send = (asset: Asset) => ({
    'content-type': asset.type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Small files: always revalidated, so a new exgate never runs an old page.
    'cache-control': 'no-cache',
  });
  app.get('/', async (_request, reply) => reply.headers(send(page)).send(page.body));
  app.get(`${CHART_PREFIX}:file`, async (request, reply) => {
    const asset = assets.get((request.params as { file: string }).file);
    if (!asset) throw new ExgateError('NOT_FOUND', `no file ${request.url.split('?', 1)[0]?.slice(0, 200)}`);
    return reply.headers(send(asset)).send(asset.body);
  });
}
