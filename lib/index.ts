export * from './log-filter-pattern';
export * from './filters';
export * from './catalogue';
export * from './detection-settings';
export * from './cloudtrail-alarms';
export * from './alarm-notifier';
export * from './cloudtrail-detection-alarm';
export * from './real-time';
