// Internal barrel of the notifier: pure modules (no CDK, no Node I/O); the SDK only in aws-adapter.ts (not re-exported).
export * from './alarm-event';
export * from './window';
export * from './event-lookup';
export * from './event-summary';
export * from './event-origin';
export * from './account-names';
export * from './config';
export * from './console-links';
export * from './format';
export * from './notify';
