export * from './log-filter-pattern';
export * from './filters';
