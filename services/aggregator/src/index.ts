export { countRedeliveries, createAggregator, type Aggregator, type AggregatorConfig, type AggregatorDeps } from './aggregator';
