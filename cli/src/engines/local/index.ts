// The local engine: CloudTrail files and standard input, read by cli/src/logs and evaluated in this process or in worker
// threads (internal; used by the CLI and the benchmark).
export * from './local-engine';
export * from './detection-set';
export * from './prefilter';
export * from './match-counter';
export * from './time-window';
export type { WorkerLauncher } from './pool';
export { defaultWorkers, WORKER_MIN_BYTES } from './pool';
