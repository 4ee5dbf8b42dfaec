import type { SimulatorModule } from '../../types';
import { intxFramesFromBinance } from './reencode';
import { IntxSimulator } from './simulator';

/** `--replay` and tests: recorded MATCH messages, played through INTX's signed protocol. */
export const intxSimulator: SimulatorModule = {
  start: (o) => IntxSimulator.start({
    frames: o.frames,
    ...(o.pace ? { pace: o.pace } : {}),
    ...(o.restHistory ? { restHistory: o.restHistory } : {}),
    ...(o.host ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
  }),
  fromBinance: intxFramesFromBinance,
};

export { IntxSimulator, SIMULATOR_CREDENTIALS, type IntxSimulatorOptions } from './simulator';
export { intxFramesFromBinance, instrumentOf, matchIdOf } from './reencode';
export { recordingFromFrames, type IntxSimPrint } from './recording';
export { aggregations } from './candles';
