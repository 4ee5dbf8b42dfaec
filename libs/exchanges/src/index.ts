export * from './types';
export { EXCHANGES, resolveExchange, requireExchange } from './registry';
export { isPlainDecimal, isPositiveDecimal } from './common/decimal';
export { sequenced } from './common/feed';
export { loadSocketLibrary } from './common/socket';
export { credentialEnv } from './common/env';
export { concatenated, splitConcatenated, type Market, type SymbolSpelling } from './common/symbols';
