import { readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { repoRoot, sharedPath } from '@exgate/testing';
import { protoRoutes, toFastifyPath } from './routes';

const SEED_ROUTES = [
  { rpc: 'PullAggtrade', method: 'GET', path: '/v1/{exchange}/aggtrade/pull/{symbol}/{interval}' },
  { rpc: 'StopPullAggtrade', method: 'GET', path: '/v1/{exchange}/aggtrade/stop/{symbol}/{interval}' },
  { rpc: 'AggTradeScannerKLine', method: 'GET', path: '/v1/{exchange}/aggtrade/scanner/kline/{symbol}/{interval}' },
  { rpc: 'AggTradeScannerAllKLine', method: 'GET', path: '/v1/{exchange}/aggtrade/scanner/allkline/{cron_interval}' },
  { rpc: 'GetKlineByExgate', method: 'GET', path: '/v1/{exchange}/exgate/kline/{symbol}/{interval}/{startTime}/{endTime}' },
  { rpc: 'GenKline', method: 'GET', path: '/v1/{exchange}/genkline/{symbol}/{interval}' },
  { rpc: 'GetKline', method: 'GET', path: '/v1/{exchange}/kline/{symbol}/{interval}' },
  { rpc: 'GetTradeRecent', method: 'GET', path: '/v1/{exchange}/recent/{symbol}' },
];

describe('protoRoutes', () => {
  it('returns the eight routes of the contract, rpc by rpc', () => {
    expect(protoRoutes()).toEqual(SEED_ROUTES);
  });

  it('returns exactly the operations the contract document lists', () => {
    const seed = readFileSync(sharedPath('seeds', '000_0e55cba92d8b6b85.txt'), 'utf8');
    const operations = [...seed.matchAll(/^## Kline_(\w+)\n[\s\S]*?^`GET (\/v1\/\S+)`$/gm)].map((m) => ({
      rpc: m[1],
      path: m[2],
    }));
    expect(operations).toHaveLength(8);
    const byRpc = (a: { rpc?: string }, b: { rpc?: string }) => (a.rpc ?? '').localeCompare(b.rpc ?? '');
    expect(protoRoutes().map(({ rpc, path: p }) => ({ rpc, path: p })).sort(byRpc)).toEqual(operations.sort(byRpc));
  });

  it('agrees with kline.proto itself, parsed on its own', () => {
    const source = readFileSync(path.join(repoRoot, 'proto', 'exgate', 'v1', 'kline.proto'), 'utf8');
    const service = protobuf.parse(source, { keepCase: true }).root.lookupService('exgate.v1.Kline');
    const declared = service.methodsArray.map((m) => ({
      rpc: m.name,
      method: 'GET',
      path: m.options?.['(google.api.http).get'] as unknown,
    }));
    expect(protoRoutes()).toEqual(declared);
  });
});

describe('toFastifyPath', () => {
  it('turns path templates into fastify parameters', () => {
    expect(toFastifyPath('/v1/{exchange}/exgate/kline/{symbol}/{interval}/{startTime}/{endTime}')).toBe(
      '/v1/:exchange/exgate/kline/:symbol/:interval/:startTime/:endTime',
    );
    expect(toFastifyPath('/v1/{exchange}/aggtrade/scanner/allkline/{cron_interval}')).toBe(
      '/v1/:exchange/aggtrade/scanner/allkline/:cron_interval',
    );
  });
});
