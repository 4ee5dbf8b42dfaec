import { BinaryReader } from '@bufbuild/protobuf/wire';
import { ExgateError } from '@exgate/errors';
import { KlineDefinition } from './gen/exgate/v1/kline';
import { HttpRule } from './gen/google/api/http';

export interface ProtoRoute {
  /** The rpc's name in kline.proto, e.g. `GetKline`. */
  readonly rpc: string;
  readonly method: 'GET';
  /** The google.api.http template, e.g. `/v1/{exchange}/kline/{symbol}/{interval}`. */
  readonly path: string;
}

/** Field number of the `google.api.http` extension of MethodOptions (google/api/annotations.proto). */
const HTTP_EXTENSION = 72295728;
const HTTP_TAG = (HTTP_EXTENSION << 3) | 2;

/**
 * The routes of the Kline service as kline.proto declares them, in declaration order. Read from the
 * generated service definition (which `proto/gen.sh --check` keeps equal to the .proto), so it needs
 * neither the .proto file nor a parser at run time. ts-proto leaves the extension as its raw
 * length-delimited bytes; HttpRule decodes them.
 */
export function protoRoutes(): ProtoRoute[] {
  return Object.values(KlineDefinition.methods).map((m) => {
    const raw: Readonly<Record<number, readonly Uint8Array[] | undefined>> = m.options._unknownFields;
    const bytes = raw[HTTP_TAG]?.[0];
    if (bytes === undefined) throw noRoute(m.name, 'no google.api.http option');
    const rule = HttpRule.decode(new BinaryReader(bytes).bytes());
    if (rule.get === undefined || rule.get === '') throw noRoute(m.name, 'only GET routes are served');
    return { rpc: m.name, method: 'GET', path: rule.get };
  });
}

/** `/v1/{exchange}/recent/{symbol}` -> `/v1/:exchange/recent/:symbol` (fastify's syntax). */
export function toFastifyPath(template: string): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}

function noRoute(rpc: string, reason: string): ExgateError {
  return new ExgateError('INTERNAL', `rpc ${rpc} of kline.proto has no usable route: ${reason}`, {
    details: { rpc },
  });
}
