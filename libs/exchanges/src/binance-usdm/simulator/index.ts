import type { SimulatorModule } from '../../types';
import { recordingsFromFrames } from './recording';
import { BinanceUsdmSimulator } from './simulator';

/** `--replay` and tests: captured frames of any symbols, played through the real protocol. */
export const binanceUsdmSimulator: SimulatorModule = {
  start: (o) => BinanceUsdmSimulator.start({
    recordings: recordingsFromFrames(o.frames),
    ...(o.pace ? { pace: o.pace } : {}),
    ...(o.restHistory ? { restHistory: o.restHistory } : {}),
    ...(o.host ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
  }),
};

export { BinanceUsdmSimulator, type SimulatorOptions, type SimulatorStats } from './simulator';
export { synthesizeAggTrades, buildTimeline, recordingsFromFrames, type SimPrint, type SymbolRecording } from './recording';
export { klinesFromCsv, klinesFromPrints, foldKlines, type KlineRow } from './klines';
