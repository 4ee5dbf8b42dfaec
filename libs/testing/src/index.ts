export * from './fixtures';
export * from './env';
