import type { SimulatorModule } from '../../types';
import { bybitFramesFromBinance } from './reencode';
import { BybitSimulator } from './simulator';

/** `--replay` and tests: recorded `publicTrade` pushes of both markets, played through Bybit's protocol. */
export const bybitSimulator: SimulatorModule = {
  start: (o) => BybitSimulator.start({
    frames: o.frames,
    ...(o.pace ? { pace: o.pace } : {}),
    ...(o.restHistory ? { restHistory: o.restHistory } : {}),
    ...(o.host ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
  }),
  // BTCUSDT and the like are linear contracts (the default market: docs/exchanges/bybit.md).
  fromBinance: (frames) => bybitFramesFromBinance(frames, { category: 'linear' }),
};

export { BybitSimulator, type BybitSimulatorOptions } from './simulator';
export { bybitFramesFromBinance, sourceIdOf } from './reencode';
export { recordingFromFrames, type BybitSimPrint } from './recording';
export { klineRows } from './klines';
