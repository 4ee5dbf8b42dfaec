import { BinanceSimulator, type SimulatorOptions } from '../../binance/simulator';
import { USDM } from '../constants';

/** A local Binance USDⓈ-M (the shared Binance simulator on the USDⓈ-M market). */
export type BinanceUsdmSimulator = BinanceSimulator;
export const BinanceUsdmSimulator = {
  start: (options: SimulatorOptions): Promise<BinanceSimulator> => BinanceSimulator.start(USDM, options),
};

export type { SimulatorOptions, SimulatorStats } from '../../binance/simulator';
export { synthesizeAggTrades, buildTimeline, recordingsFromFrames, type SimPrint, type SymbolRecording } from '../../binance/simulator';
export { klinesFromCsv, klinesFromPrints, foldKlines, type KlineRow } from '../../binance/simulator';
