// AWS-facing commands (audit, verify). Loaded only by those CLI commands: the SDK never reaches CDK apps.
export * from './calls';
export * from './clients';
export * from 'cdk-cloudtrail-alarms/lib/audit/findings';
export * from 'cdk-cloudtrail-alarms/lib/audit/snapshot';
export * from './collect';
export * from 'cdk-cloudtrail-alarms/lib/audit/judge-trails';
export * from 'cdk-cloudtrail-alarms/lib/audit/judge-topics';
export * from 'cdk-cloudtrail-alarms/lib/audit/judge-coverage';
export * from 'cdk-cloudtrail-alarms/lib/audit/judge-detections';
export * from 'cdk-cloudtrail-alarms/lib/audit/judge-template';
export * from 'cdk-cloudtrail-alarms/lib/audit/template';
export * from './audit';
export * from './verify';
export * from 'cdk-cloudtrail-alarms/lib/audit/uncertain-cases';
