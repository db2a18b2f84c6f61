// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const HTTP_EXCEPTIONS = [
  'HttpException',
  'BadRequestException',
  'UnauthorizedException',
  'ForbiddenException',
  'NotFoundException',
  'ConflictException',
  'GoneException',
  'PayloadTooLargeException',
  'UnprocessableEntityException',
  'ServiceUnavailableException',
  'InternalServerErrorException',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.labkeys/**',
      'coverage/**',
      'libs/database/src/generated/**',
      'apps/web/dist/**',
      'test-results/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Nest's DI reads constructor parameter types; `import type` would erase them.
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // The dashboard (React, bundler resolution, DOM) is its own TypeScript project.
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx', 'apps/web/**/*.mts'],
    languageOptions: {
      parserOptions: { project: './apps/web/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // The Playwright walk-through is its own TypeScript project (DOM lib, no jest types).
    files: ['test/browser/**/*.ts'],
    languageOptions: {
      parserOptions: { project: './test/browser/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Production code: data access only in libs/database (fixtures in libs/testing seed rows directly).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/database/**', 'libs/testing/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@prisma/client', message: 'Data access lives in libs/database repositories.' },
            { name: '@prisma/adapter-pg', message: 'Data access lives in libs/database repositories.' },
            {
              name: '@labkeys/database',
              importNames: ['PrismaService', 'PrismaClient', 'Prisma'],
              message: 'Use a repository (and UnitOfWork for transactions) from @labkeys/database.',
            },
          ],
          patterns: [
            { group: ['**/generated/prisma/**'], message: 'Data access lives in libs/database repositories.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        ...['$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe', '$transaction'].map((property) => ({
          property,
          message: 'SQL and transactions live in libs/database (repositories, UnitOfWork).',
        })),
      ],
    },
  },
  {
    // The domain speaks no HTTP: libs throw domain errors, the api maps them to problem+json.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/common',
              importNames: HTTP_EXCEPTIONS,
              message: 'Throw a domain error (libs/core errors).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      // Tests arrange rows and read responses loosely typed on purpose.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // The same loose reading, spelled out: deep, untyped documents (parsed Terraform, CloudFormation) as any.
      '@typescript-eslint/no-explicit-any': 'off',
      // Test doubles of async interfaces, and the checks handed to eventually(), are async on purpose:
      // a throw in them must be a rejection, as it is in the real implementation.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
