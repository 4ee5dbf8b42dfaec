import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { protoRoutes } from '@exgate/proto';
import { createApi } from './app';
import { fakeDeps } from './testing';
import { OPENAPI_FILE, buildOpenApiDocument, renderOpenApi } from './openapi';

describe('the OpenAPI document', () => {
  it('docs/openapi.json is what the code generates (regenerate: npx tsx services/api/src/openapi.ts)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  it('documents the eight proto routes with the contract’s operation ids and schema names, then the catalog', () => {
    const doc = buildOpenApiDocument() as {
      paths: Record<string, { get: { operationId: string; responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> } }>;
      components: { schemas: Record<string, unknown> };
    };
    const v1 = Object.entries(doc.paths).filter(([path]) => path.startsWith('/v1/'));
    expect(v1.map(([path]) => path)).toEqual([...protoRoutes().map((r) => r.path), '/v1/exchanges']);
    expect(v1.map(([, p]) => p.get.operationId)).toEqual([...protoRoutes().map((r) => `Kline_${r.rpc}`), 'Exgate_ListExchanges']);
    const ok = (path: string) => doc.paths[path]?.get.responses['200']?.content['application/json']?.schema.$ref;
    expect(ok('/v1/{exchange}/kline/{symbol}/{interval}')).toBe('#/components/schemas/klineGetKlineResponse');
    expect(ok('/v1/{exchange}/recent/{symbol}')).toBe('#/components/schemas/klineGetTradeRecentResponse');
    expect(ok('/v1/{exchange}/aggtrade/scanner/allkline/{cron_interval}')).toBe('#/components/schemas/klineAggtradeSannerKLineResp');
    expect(ok('/v1/exchanges')).toBe('#/components/schemas/exgateExchangesResponse');
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      'GetKlineResponseKline',
      'GetTradeRecentResponseTrade',
      'exgateExchange',
      'exgateExchangesResponse',
      'klineAggtradeSannerKLineResp',
      'klineGetAggtradeResponse',
      'klineGetKlineResponse',
      'klineGetTradeRecentResponse',
      'klineStopPullAggtradeResponse',
      'protobufAny',
      'rpcStatus',
    ]);
  });

  it('describes parameters from the validating schemas: limit is optional with its bounds, times are int64 strings', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, { get: { parameters: Array<Record<string, unknown>> } }> };
    const params = doc.paths['/v1/{exchange}/genkline/{symbol}/{interval}']?.get.parameters ?? [];
    expect(params.map((p) => `${p['in']}:${p['name']}:${p['required']}`)).toEqual([
      'path:exchange:true',
      'path:symbol:true',
      'path:interval:true',
      'query:startTime:false',
      'query:endTime:false',
      'query:limit:false',
      'query:timeZone:false',
    ]);
    expect(params.find((p) => p['name'] === 'startTime')?.['schema']).toEqual({ format: 'int64', type: 'string', pattern: '^\\d{1,15}$' });
    expect(params.find((p) => p['name'] === 'limit')?.['description']).toBe('How many items at most: 1..1500, default 500.');
  });

  it('documents every query dialect route with its parameters and its own error body', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, { get: { tags: string[]; parameters: Array<Record<string, unknown>>; responses: Record<string, unknown> } }> };
    const dialects = Object.keys(doc.paths).filter((p) => !p.startsWith('/v1/'));
    expect(dialects).toEqual(expect.arrayContaining([
      '/api/v1/instruments/{instrument}/candles', '/api/v1/candles', '/fapi/v1/klines', '/fapi/v1/aggTrades', '/api/v3/klines', '/fstream/stream',
      '/stream/ws/{streams}', '/v2/p1/market.kline', '/v2/p1/allticker', '/v2',
    ]));
    expect(dialects).toHaveLength(2 + 2 * 8 + 10 + 1);
    const klines = doc.paths['/fapi/v1/klines']!.get;
    expect(klines.parameters.map((p) => `${p['in']}:${p['name']}:${p['required']}`)).toEqual([
      'query:symbol:true', 'query:interval:true', 'query:startTime:false', 'query:endTime:false', 'query:limit:false', 'query:exchange:false',
    ]);
    expect(klines.responses['default']).toEqual({ description: "An error, in the dialect's own shape.", content: { 'application/json': { schema: expect.objectContaining({ required: ['code', 'msg'] }) } } });
  });

  it('is served at /openapi.json', async () => {
    const app: FastifyInstance = await createApi(fakeDeps(), {});
    const res = await app.inject({ url: '/openapi.json' });
    expect(res.json()).toEqual(JSON.parse(renderOpenApi()));
    await app.close();
  });
});
