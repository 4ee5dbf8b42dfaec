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
    expect(Object.keys(doc.paths)).toEqual([...protoRoutes().map((r) => r.path), '/v1/exchanges']);
    expect(Object.values(doc.paths).map((p) => p.get.operationId)).toEqual([...protoRoutes().map((r) => `Kline_${r.rpc}`), 'Exgate_ListExchanges']);
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

  it('is served at /openapi.json', async () => {
    const app: FastifyInstance = await createApi(fakeDeps(), {});
    const res = await app.inject({ url: '/openapi.json' });
    expect(res.json()).toEqual(JSON.parse(renderOpenApi()));
    await app.close();
  });
});
