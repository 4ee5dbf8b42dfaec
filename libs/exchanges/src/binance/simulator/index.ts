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
    fromBinance: (frames) => (market.printTypes ? [...frames] : spotFrames(frames)),
  };
}

/**
 * Futures frames played as spot: spot has no insurance-fund or ADL prints and no `X`, so those
 * prints go and the field with them. Trades and aggTrades otherwise look the same on both.
 */
function spotFrames(frames: readonly string[]): string[] {
  return frames.flatMap((line) => {
    const parsed = JSON.parse(line) as { stream?: string; data?: { X?: string } } & { X?: string };
    const event = parsed.data ?? parsed;
    if (event.X !== undefined && event.X !== 'MARKET') return [];
    delete event.X;
    return [JSON.stringify(parsed)];
  });
}

export { BinanceSimulator, type SimulatorOptions, type SimulatorStats } from './simulator';
export { synthesizeAggTrades, buildTimeline, recordingsFromFrames, type SimPrint, type SymbolRecording } from './recording';
export { klinesFromCsv, klinesFromPrints, foldKlines, type KlineRow } from './klines';
