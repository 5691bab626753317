// Alarm backtests and their reports, over any engine's per-period counts (internal; used by the CLI).
export * from './alarm-simulation';
export * from './top-values';
export * from './backtest';
