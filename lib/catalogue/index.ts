export * from './severity';
export * from './detection-id';
export * from './detection-profile';
export * from './detection-definition';
export * from './catalogue';
