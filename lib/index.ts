// The public face of cdk-cloudtrail-alarms: what a user composes, nothing else.
export * from './filters';
export * from './catalogue';
export * from './cdk/detection-settings';
export * from './cdk/account-dimension-source';
export * from './cdk/cloudtrail-alarms-props';
export * from './cdk/cloudtrail-alarms';
export * from './cdk/cloudtrail-detection-alarm';
export * from './cdk/cloudtrail-detections';
export * from './cdk/real-time-detection';
export * from './cdk/cloudtrail-event-forwarder';
export * from './cdk/cloudtrail-log-group-lookup';
export * from './cdk/alarm-pipeline-checks';
