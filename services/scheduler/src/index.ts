export { createScheduler, type Scheduler, type SchedulerDeps } from './scheduler';
export { soleLeader, type Leadership } from './leadership';
export { NatsKvLeadership } from './nats-leadership';
