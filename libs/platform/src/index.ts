export * from './env';
export * from './exchanges';
export * from './bus';
export * from './store';
export * from './service';
