export * from './types';
export { EXCHANGES, resolveExchange, requireExchange } from './registry';
export { isPlainDecimal, isPositiveDecimal } from './common/decimal';
