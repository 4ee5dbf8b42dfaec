export { fixtureCandles } from './fixture-candles';
export { readCandleTopic, lastPerKey, latestVersions } from './read-candle-topic';
