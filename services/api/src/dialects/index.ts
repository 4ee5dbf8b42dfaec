import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps';
import { binanceErrors } from './binance/errors';
import { COINM, SPOT, USDM } from './binance/flavours';
import { binanceRestRoutes } from './binance/rest';
import { binanceStreamRoutes } from './binance/ws';
import { candlesApiErrors } from './candles-api/errors';
import { CANDLES_API_PREFIX, candlesApiRoutes } from './candles-api/routes';
import { dialectScope, type DialectErrors } from './common/scope';
import { hotbitErrors } from './hotbit/errors';
import { hotbitRestRoutes } from './hotbit/rest';
import { hotbitWsRoutes } from './hotbit/ws';
import { intxErrors } from './intx/errors';
import { INTX_PREFIX, intxRoutes } from './intx/routes';

export interface DialectOptions {
  /** A websocket client with more unsent bytes than this is closed (1013), as on /ws/v1. */
  readonly wsMaxBufferedBytes: number;
}

interface DialectScope {
  readonly prefix: string;
  /** Only the prefix itself belongs to the dialect, not the paths under it. */
  readonly exact?: boolean;
  readonly errors: DialectErrors;
  readonly routes: (scope: FastifyInstance, deps: ApiDeps, options: DialectOptions) => void;
}

/** Every query dialect exgate speaks, each under its own prefix with its own error words (docs/adr/0010). */
const SCOPES: readonly DialectScope[] = [
  { prefix: INTX_PREFIX, errors: intxErrors, routes: intxRoutes },
  { prefix: CANDLES_API_PREFIX, errors: candlesApiErrors, routes: candlesApiRoutes },
  ...[USDM, SPOT, COINM].map((flavour) => ({
    prefix: flavour.base,
    errors: binanceErrors,
    routes: (scope: FastifyInstance, deps: ApiDeps) => binanceRestRoutes(scope, deps, flavour),
  })),
  ...([['/fstream', USDM], ['/stream', SPOT]] as const).map(([prefix, flavour]) => ({
    prefix,
    errors: binanceErrors,
    routes: (scope: FastifyInstance, deps: ApiDeps, o: DialectOptions) => binanceStreamRoutes(scope, deps, flavour, o.wsMaxBufferedBytes),
  })),
  { prefix: '/v2/p1', errors: hotbitErrors, routes: hotbitRestRoutes },
  // HotBit's websocket is /v2/ itself; the rest of /v2 is not HotBit's.
  { prefix: '/v2', exact: true, errors: hotbitErrors, routes: (scope, deps, o) => hotbitWsRoutes(scope, deps, o.wsMaxBufferedBytes) },
];

export async function registerDialects(app: FastifyInstance, deps: ApiDeps, options: DialectOptions): Promise<void> {
  for (const s of SCOPES) await dialectScope(app, s.prefix, s.errors, (scope) => s.routes(scope, deps, options), s.exact);
}

/** The dialect whose prefix the URL is under: failures fastify reports before routing answer in its words. */
export function dialectErrorsFor(url: string): DialectErrors | undefined {
  const path = url.split('?', 1)[0] ?? '';
  return SCOPES.find((s) => path === s.prefix || (s.exact ? path === `${s.prefix}/` : path.startsWith(`${s.prefix}/`)))?.errors;
}
