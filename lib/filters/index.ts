export * from './cloudtrail-filter';
export * from './cloudtrail-detections';
