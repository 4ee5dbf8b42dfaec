export { BinanceUsdmSimulator, type SimulatorOptions, type SimulatorStats } from './simulator';
export { synthesizeAggTrades, buildTimeline, recordingsFromFrames, type SimPrint, type SymbolRecording } from './recording';
export { klinesFromCsv, klinesFromPrints, foldKlines, type KlineRow } from './klines';
export type { Pace } from './player';
