/** Test and replay support: local exchanges speaking the real protocols. Not for production paths. */
export * from './binance-usdm/simulator';
