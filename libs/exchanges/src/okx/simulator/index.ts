import type { SimulatorModule } from '../../types';
import { okxFramesFromBinance } from './reencode';
import { OkxSimulator } from './simulator';

/** `--replay` and tests: recorded `trades-all` pushes, played through OKX's protocol. */
export const okxSimulator: SimulatorModule = {
  start: (o) => OkxSimulator.start({
    frames: o.frames,
    ...(o.pace ? { pace: o.pace } : {}),
    ...(o.restHistory ? { restHistory: o.restHistory } : {}),
    ...(o.host ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
  }),
  fromBinance: (frames) => okxFramesFromBinance(frames),
};

export { OkxSimulator, type OkxSimulatorOptions } from './simulator';
export { okxFramesFromBinance, okxSpelling } from './reencode';
export { recordingFromFrames, type OkxSimPrint } from './recording';
export { candleRows } from './rest-handler';
