export * from './detection-rules';
export * from './cloudtrail-event-forwarder';
