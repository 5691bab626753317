// AWS-facing commands (audit, verify). Loaded only by those CLI commands: the SDK never reaches CDK apps.
export * from './calls';
export * from './clients';
export * from './findings';
export * from './snapshot';
export * from './collect';
export * from './judge-trails';
export * from './judge-topics';
export * from './judge-coverage';
export * from './judge-detections';
export * from './judge-template';
export * from './template';
export * from './audit';
export * from './verify';
export * from './uncertain-cases';
