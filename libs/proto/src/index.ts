export {
  encodeTradeBatch,
  decodeTradeBatch,
  encodeCandle,
  decodeCandle,
  encodeCandleBatch,
  decodeCandleBatch,
  encodeTick,
  decodeTick,
} from './codec';
export type { ScannerTick } from './codec';
export { protoRoutes, toFastifyPath } from './routes';
export type { ProtoRoute } from './routes';
/** The generated API messages (proto/exgate/v1/kline.proto), e.g. `api.GetKlineResponse_Kline`. */
export * as api from './gen/exgate/v1/kline';
/** google.rpc.Status: the contract's `rpcStatus` error body. */
export { Status as RpcStatus } from './gen/google/rpc/status';
