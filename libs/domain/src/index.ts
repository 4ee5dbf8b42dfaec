export * from './trade';
export * from './kline';
export * from './candle';
export * from './candle-policy';
export * from './interval';
export * from './timezone';
// Parsing and firing schedules is its own entry, @exgate/domain/schedule: cron-parser (with luxon)
// took a sixth of `exgate candles`' start-up, and only the API and the scheduler read schedules.
export type { Schedule } from './schedule';
export * from './errors';
export * from './decimal';
export * from './exact-sum';
export * from './candle-builder';
export * from './carry';
export * from './aggregator';
export * from './fold';
export * from './build';
export type { EngineSnapshot } from './restore';
export * from './restore-plan';
export * from './history';
