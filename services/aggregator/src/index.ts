export { createAggregator, type Aggregator, type AggregatorConfig, type AggregatorDeps } from './aggregator';
