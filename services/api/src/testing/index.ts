/** Test support for the API and its users, kept out of production builds. */
export * from './fake-deps';
