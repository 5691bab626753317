export * from './log-filter-pattern';
export * from './cloudtrail-filter';
export * from './detection-exclusions';
