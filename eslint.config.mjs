import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.nx/**', 'libs/proto/src/gen/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            // The domain is pure: it imports nothing of ours but itself, and no I/O.
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:domain', 'type:lib'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:domain', 'type:lib', 'type:service'] },
          ],
        },
      ],
    },
  },
  {
    // No I/O in the domain: these modules are banned there.
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['libs/domain/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['fs', 'node:*', 'net', 'http', 'https', 'ws', 'kafkajs', 'nats', 'chdb', '@clickhouse/*', 'pino', 'fastify'] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The domain takes time as an argument.' }],
    },
  },
);
