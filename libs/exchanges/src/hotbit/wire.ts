/**
 * HotBit's wire shapes and time texts, for whoever speaks HotBit on either side: this adapter
 * (a client of HotBit) and the HotBit dialect (exgate serving HotBit's API). Exported from
 * @exgate/exchanges as `hotbitWire`.
 */
export * from './schemas';
export { msFromSecondsText, microsFromSecondsText, secondsText, timeTexts } from './time';
export { HOTBIT_CANDLES, HOTBIT_INTERVALS, INTERVAL_SECONDS, SYMBOL_PATTERN, restMarketName } from './constants';
