export * from './fixtures';
export * from './env';
export * from './eventually';
