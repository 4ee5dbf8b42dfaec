import type { SimulatorModule } from '../../types';
import type { BinanceMarket } from '../market';
import { recordingsFromFrames } from './recording';
import { BinanceSimulator } from './simulator';

/** `--replay` and tests: captured frames of any symbols, played through the market's real protocol. */
export function binanceSimulatorModule(market: BinanceMarket): SimulatorModule {
  return {
    start: (o) => BinanceSimulator.start(market, {
      recordings: recordingsFromFrames(o.frames),
      ...(o.pace ? { pace: o.pace } : {}),
      ...(o.restHistory ? { restHistory: o.restHistory } : {}),
      ...(o.host ? { host: o.host } : {}),
      ...(o.port !== undefined ? { port: o.port } : {}),
    }),
  };
}

export { BinanceSimulator, type SimulatorOptions, type SimulatorStats } from './simulator';
export { synthesizeAggTrades, buildTimeline, recordingsFromFrames, type SimPrint, type SymbolRecording } from './recording';
export { klinesFromCsv, klinesFromPrints, foldKlines, type KlineRow } from './klines';
