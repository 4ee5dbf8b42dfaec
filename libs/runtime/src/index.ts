export * from './clock';
export * from './logger';
export * from './config';
export * from './metrics';
export * from './ops-server';
export * from './lifecycle';
export * from './retry';
export * from './process-metrics';
