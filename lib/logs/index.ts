// Readers of CloudTrail log files (internal; used by the search and backtest commands).
export * from './inputs';
export * from './reader';
