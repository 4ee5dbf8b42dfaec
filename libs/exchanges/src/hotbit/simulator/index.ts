import type { SimulatorModule } from '../../types';
import { hotbitFramesFromBinance } from './recording';
import { HotbitSimulator } from './simulator';

/** `--replay` and tests: recorded HotBit frames of any markets, played through HotBit's protocol. */
export const hotbitSimulator: SimulatorModule = {
  start: (o) => HotbitSimulator.start({
    frames: o.frames,
    ...(o.pace ? { pace: o.pace } : {}),
    ...(o.restHistory ? { restHistory: o.restHistory } : {}),
    ...(o.host ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
  }),
  fromBinance: (frames) => hotbitFramesFromBinance(frames),
};

export { HotbitSimulator, type HotbitSimulatorOptions } from './simulator';
export { dealsFromFrames, readRecording, hotbitFramesFromBinance, dealsUpdateFrame, dealJson, simDeal, type SimDeal, type FromBinanceOptions } from './recording';
export { ViabtcKlines } from './klines';
