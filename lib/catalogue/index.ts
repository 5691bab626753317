export * from './severity';
export * from './detection-id';
export * from './detection-profile';
export * from './catalogue';
