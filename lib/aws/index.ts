// AWS-facing commands (audit, verify). Loaded only by those CLI commands: the SDK never reaches CDK apps.
export * from './calls';
export * from './clients';
export * from './audit';
export * from './verify';
export * from './uncertain-cases';
