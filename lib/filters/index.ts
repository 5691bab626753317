export * from './cloudtrail-filter';
