// Offline search and alarm backtests over CloudTrail files (internal; used by the CLI).
export * from './alarm-simulation';
export * from './detection-set';
export * from './top-values';
export * from './backtest';
export * from './search';
