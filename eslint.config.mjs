// Type-aware linting for the whole monorepo (typescript-eslint flat config).
import eslint from '@eslint/js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';

const APPS = ['billing', 'eligibility', 'licensing', 'notifications', 'ops'];
const LIBRARY_IMPORTS = [
  { regex: '^@app/[^/]+/', message: 'Import a library through its index: @app/<lib>.' },
  {
    regex: '^(\\.\\./)+(apps|libs)/',
    message: 'No relative imports across apps or into libs: use the @app/<lib> alias.',
  },
];

/** The feature folders of an app: `apps/<app>/src/<feature>/` (flat: no feature nests another). */
function featuresOf(app) {
  return readdirSync(join(import.meta.dirname, 'apps', app, 'src'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

/**
 * An app never imports another app, however deep the relative path (`../../licensing/src/...`
 * from billing's src resolves into apps/licensing without naming apps/).
 *
 * Inside an app, a feature never imports another feature's repository (`../orders/order.repository`
 * from `payments/`): the repository stays private to its feature, and the others use that
 * feature's port (`orders/orders.port.ts`). Test files (`*.spec.ts`, `*.int-spec.ts`) are exempt:
 * they may set up or read state through a repository. (One config per feature, so that a feature's
 * own folder is never "another"; each repeats the app's patterns, since a later config replaces a
 * rule's options rather than adding to them.)
 */
function appBoundary(app) {
  const others = APPS.filter((other) => other !== app).join('|');
  const restrictedImports = (...patterns) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...LIBRARY_IMPORTS,
          {
            regex: `^(\\.\\./)+(${others})(/|$)`,
            message: `apps/${app} never imports another app: share through libs/ or talk through events.`,
          },
          ...patterns,
        ],
      },
    ],
  });
  return [
    { files: [`apps/${app}/**/*.ts`], rules: restrictedImports() },
    ...featuresOf(app).map((feature) => ({
      files: [`apps/${app}/src/${feature}/**/*.ts`],
      ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
      rules: restrictedImports({
        regex: `^\\.\\./(?!${feature}/)[^/]+/[^/]+\\.repository$`,
        message: `Features use each other's ports, not their repositories: ${feature}/ imports that feature's port (../<feature>/<feature>.port); a repository is private to its feature.`,
      }),
    })),
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Nest and kafkajs callbacks are async by contract even when a body has nothing to await.
      '@typescript-eslint/require-await': 'off',
      // Unions such as `ConsumerGroup | string` document the expected values.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Libraries are used through their alias and index; an app never imports another app.
      'no-restricted-imports': ['error', { patterns: LIBRARY_IMPORTS }],
    },
  },
  ...APPS.flatMap(appBoundary),
  {
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'test/**/*.ts',
      'libs/testing/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // One way to make a kafkajs client: kafkaClient() of @app/messaging, which corrects kafkajs's
    // idle timer first.
    files: ['**/*.ts'],
    ignores: ['libs/messaging/src/kafka/kafka-client.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Kafka']",
          message: 'Make kafkajs clients with kafkaClient() from @app/messaging.',
        },
      ],
    },
  },
);
