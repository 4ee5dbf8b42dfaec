export { createCollector, type Collector, type CollectorConfig, type CollectorDeps } from './collector';
export { kvCheckpoints, storeCheckpoints, storedCheckpoint, type Checkpoint, type Checkpoints } from './checkpoints';
export { ContinuityTracker } from './continuity';
