/** Groups the per-collection files of the small collections that make the service safe to run twice. */
export * from './locks';
export * from './processed-events';
export * from './job-runs';
export * from './card-messages';
export * from './audits';
export * from './card-refs';
export * from './counters';
export * from './task-origins';
