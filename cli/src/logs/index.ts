// Readers of CloudTrail log files (internal; used by the local engine and the CLI).
export * from './problems';
export * from './object-names';
export * from './inputs';
export * from './record-scanner';
export * from './decompress';
export * from './reader';
