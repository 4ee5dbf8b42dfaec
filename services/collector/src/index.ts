export { createCollector, type Collector, type CollectorConfig, type CollectorDeps } from './collector';
export { ContinuityTracker } from './continuity';
