import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApi } from '../app';
import { fakeDeps } from '../testing';

let app: FastifyInstance;

beforeAll(async () => {
  app = await createApi(fakeDeps(), {});
});
afterAll(() => app.close());

const library = path.join(path.dirname(require.resolve('lightweight-charts/package.json')), 'dist', 'lightweight-charts.standalone.production.js');

describe('the chart page’s files, served by exgate itself', () => {
  it('GET / is the page, which loads only files of this origin, under a policy that allows nothing else', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const refs = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(['data:,', '/chart/chart.css', '/chart/lightweight-charts.js', '/chart/app.js', '/openapi.json']);
  });

  it('serves TradingView’s lightweight-charts, byte for byte the standalone build installed from npm', async () => {
    const res = await app.inject({ url: '/chart/lightweight-charts.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.rawPayload.equals(readFileSync(library))).toBe(true);
  });

  it('serves the page’s own scripts and style', async () => {
    for (const [file, type] of [['app.js', 'text/javascript'], ['model.js', 'text/javascript'], ['chart.css', 'text/css']] as const) {
      const res = await app.inject({ url: `/chart/${file}` });
      expect([file, res.statusCode, res.headers['content-type']]).toEqual([file, 200, `${type}; charset=utf-8`]);
      expect(res.body).toBe(readFileSync(path.join(__dirname, 'page', file), 'utf8'));
    }
  });

  it('answers any other name under /chart/ with the API’s 404, never a file from disk', async () => {
    for (const url of ['/chart/index.html', '/chart/..%2Fassets.ts', '/chart/tsconfig.json', '/chart/%2e%2e%2f%2e%2e%2fpackage.json']) {
      const res = await app.inject({ url });
      expect([url, res.statusCode, res.json().code]).toEqual([url, 404, 5]);
    }
  });
});
