/**
 * Test support, kept out of production builds: a probe for feed events and each exchange's
 * simulator with its fault controls (the fault suite drives them directly).
 */
export { FeedProbe } from './feed-probe';
export * from '../binance-usdm/simulator';
export { BinanceSimulator } from '../binance/simulator';
export { SPOT as BINANCE_SPOT_MARKET } from '../binance-spot/constants';
export { HotbitSimulator, hotbitFramesFromBinance, type HotbitSimulatorOptions, type SimDeal as HotbitSimDeal } from '../hotbit/simulator';
export type { SimulatorControl, SimulatorStats } from '../common/simulator/core';
export { BybitSimulator, bybitFramesFromBinance, type BybitSimulatorOptions, type BybitSimPrint } from '../bybit/simulator';
export { IntxSimulator, intxFramesFromBinance, SIMULATOR_CREDENTIALS as INTX_SIMULATOR_CREDENTIALS, type IntxSimulatorOptions, type IntxSimPrint } from '../coinbase-intx/simulator';
export { OkxSimulator, okxFramesFromBinance, type OkxSimulatorOptions, type OkxSimPrint } from '../okx/simulator';
