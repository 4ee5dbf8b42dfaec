import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExgateError } from '@exgate/errors';
import { z } from 'zod';
import { checkLimit, fetchText, readBody, retryAfterSecondsMs, safeJson, unexpectedBody } from './http';

let server: Server;
let base = '';
const seen: { url: string; key: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', key: req.headers['x-key'] as string | undefined });
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1_000);
    res.writeHead(req.url === '/limited' ? 429 : 200, { 'retry-after': '7' });
    res.end(req.url === '/limited' ? '{"msg":"too many"}' : '{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fetchText', () => {
  it('answers every status with its body and headers, sending the headers given', async () => {
    const ok = await fetchText('X', '/a', `${base}/a?q=1`, 1_000, { 'x-key': 'k1' });
    expect([ok.res.status, ok.text]).toEqual([200, '{"ok":true}']);
    const limited = await fetchText('X', '/limited', `${base}/limited`, 1_000);
    expect([limited.res.status, limited.text, limited.res.headers.get('retry-after')]).toEqual([429, '{"msg":"too many"}', '7']);
    expect(seen.slice(0, 2)).toEqual([{ url: '/a?q=1', key: 'k1' }, { url: '/limited', key: undefined }]);
  });

  it('words no answer in time as EXCHANGE_UNAVAILABLE with the exchange, the path and the bound', async () => {
    const error = await fetchText('Some Exchange', '/slow', `${base}/slow`, 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExgateError);
    expect(error).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', message: 'Some Exchange /slow: no answer within 50 ms', details: { path: '/slow' } });
  });

  it("words a refused connection by fetch's cause (ECONNREFUSED), not fetch's own \"fetch failed\"", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await fetchText('X', '/p', `http://127.0.0.1:${port}/p`, 1_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', message: expect.stringMatching(/^X \/p: .*ECONNREFUSED/) });
  });
});

describe('the small pieces', () => {
  it('unexpectedBody samples 200 characters and keeps the issue', () => {
    const e = unexpectedBody('X', '/p', 'y'.repeat(300), 'Expected array');
    expect(e).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', message: 'X /p: unexpected response body', details: { path: '/p', sample: 'y'.repeat(200), issue: 'Expected array' } });
  });

  it('readBody reads the body, or a part of it, by the schema, and words a refusal as unexpectedBody', () => {
    const rows = z.array(z.object({ p: z.string() }));
    expect(readBody('X', '/p', '[{"p":"1.5"}]', rows)).toEqual([{ p: '1.5' }]);
    // An envelope's inner part: the value given is read, not the text.
    expect(readBody('X', '/p', '{"data":[{"p":"2"}]}', rows, [{ p: '2' }])).toEqual([{ p: '2' }]);
    for (const [text, value] of [['not json', undefined], ['{"data":[{"p":1}]}', [{ p: 1 }]]] as const) {
      const error = (() => {
        try {
          return value === undefined ? readBody('X', '/p', text, rows) : readBody('X', '/p', text, rows, value);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ExgateError);
      expect(error).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', message: 'X /p: unexpected response body', details: { path: '/p', sample: text, issue: expect.any(String) } });
    }
  });

  it('safeJson, Retry-After in seconds, and limits', () => {
    expect([safeJson('{"a":1}'), safeJson('{"a":'), safeJson('')]).toEqual([{ a: 1 }, undefined, undefined]);
    expect([retryAfterSecondsMs('7'), retryAfterSecondsMs(' 12 '), retryAfterSecondsMs('1.5'), retryAfterSecondsMs(null)]).toEqual([7_000, 12_000, undefined, undefined]);
    expect(() => checkLimit(1, 10)).not.toThrow();
    expect(() => checkLimit(10, 10)).not.toThrow();
    for (const bad of [0, 11, 2.5, Number.NaN]) expect(() => checkLimit(bad, 10)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
