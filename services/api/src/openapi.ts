import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CATALOG_PATH, CATALOG_SUMMARY, catalogResponse } from './catalog';
import { DIALECT_OPERATIONS, DIALECT_TAGS, type DialectOperation } from './dialects/openapi';
import { LIVE_PATH } from './live';
import { ROUTES, type RouteSpec } from './routes';
import { apiSchemas } from './schemas';

type Json = Record<string, unknown>;

const COMPONENT_URI = (id: string) => `#/components/schemas/${id}`;

/**
 * The OpenAPI 3.1 document of the eight routes, generated from the zod schemas the handlers
 * validate with. `npx tsx services/api/src/openapi.ts` writes docs/openapi.json; a test fails when
 * the committed file differs from this.
 */
export function buildOpenApiDocument(): Json {
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: COMPONENT_URI, io: 'output', unrepresentable: 'any' });
  const components: Json = {};
  for (const [id, schema] of Object.entries(schemas)) components[id] = stripMeta(schema as Json);
  const paths: Json = {};
  for (const route of ROUTES) paths[route.path] = { get: operation(route) };
  // Beside the contract: what this exgate collects (the chart page's pickers).
  paths[CATALOG_PATH] = {
    get: { tags: ['Exgate'], operationId: 'Exgate_ListExchanges', summary: CATALOG_SUMMARY, parameters: [], responses: responses(catalogResponse) },
  };
  for (const op of DIALECT_OPERATIONS) paths[op.path] = { get: dialectOperation(op) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'exgate v1',
      version: '1.0.0',
      description: [
        'The exgate v1 API: the Kline service of proto/exgate/v1/kline.proto as grpc-gateway exposes it.',
        'Errors are rpcStatus {code, message, details} with the gRPC code and grpc-gateway\'s HTTP status.',
        `Live candles: a websocket at GET ${LIVE_PATH} pushes one GetKlineResponseKline object per update.`,
        `Beside the contract: GET ${CATALOG_PATH} lists what this exgate collects; GET / is a live chart of it.`,
        'Operations: GET /healthz, /readyz, /metrics (Prometheus), /openapi.json (this document).',
        'Query dialects (docs/api.md): the routes of Coinbase INTX, the seed-003 candles API, Binance and HotBit, from exgate\'s own candles and trades, each with its own error body; every one takes exchange=<id or alias>.',
      ].join('\n\n'),
    },
    tags: [{ name: 'Kline' }, { name: 'Exgate', description: "exgate's own routes, outside the contract." }, ...DIALECT_TAGS],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        controlToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Required on control routes only when the server is configured with a control token.',
        },
      },
    },
  };
}

function operation(route: RouteSpec): Json {
  const parameters = [
    ...parametersOf(route.params, 'path'),
    ...(route.query ? parametersOf(route.query, 'query') : []),
  ];
  return {
    tags: ['Kline'],
    operationId: `Kline_${route.rpc}`,
    summary: route.summary,
    parameters,
    // Optional bearer: `{}` lets the route be called without one when no token is configured.
    ...(route.control ? { security: [{}, { controlToken: [] }] } : {}),
    responses: responses(route.response),
  };
}

function responses(ok: z.ZodType): Json {
  return {
    '200': { description: 'A successful response.', content: json(refOf(ok)) },
    default: { description: 'An unexpected error response.', content: json({ $ref: COMPONENT_URI('rpcStatus') }) },
  };
}

/** A dialect route: its schemas inline (they are the dialect's, not the contract's components). */
function dialectOperation(op: DialectOperation): Json {
  const schema = (t: z.ZodType) => stripMeta(z.toJSONSchema(t, { io: 'output', unrepresentable: 'any' }) as Json);
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.websocket ? { description: `Websocket (send an Upgrade request). ${op.websocket}` } : {}),
    parameters: [...(op.params ? parametersOf(op.params, 'path') : []), ...(op.query ? parametersOf(op.query, 'query') : [])],
    responses: {
      ...(op.websocket
        ? { '101': { description: 'Switching protocols: the websocket is open.' } }
        : { '200': { description: 'A successful response.', content: json(schema(op.response)) } }),
      default: { description: "An error, in the dialect's own shape.", content: json(schema(op.error)) },
    },
  };
}

function parametersOf(shape: z.ZodObject, where: 'path' | 'query'): Json[] {
  return Object.entries(shape.shape).map(([name, field]) => {
    const schema = stripMeta(z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Json);
    const { description, example, ...rest } = schema;
    return {
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      ...(example === undefined ? {} : { example }),
      schema: rest,
    };
  });
}

function refOf(schema: z.ZodType): Json {
  const id = apiSchemas.get(schema)?.id;
  if (!id) throw new Error('response schemas must be registered in apiSchemas');
  return { $ref: COMPONENT_URI(id) };
}

function json(schema: Json): Json {
  return { 'application/json': { schema } };
}

function stripMeta(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

export const OPENAPI_FILE = path.resolve(__dirname, '..', '..', '..', 'docs', 'openapi.json');

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
