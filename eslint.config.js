// ESLint 9 flat config: typescript-eslint's recommended rules (syntax only, not type-checked) and the
// fences between the code's zones. The zone rules resolve every import to a file (relative `.js`
// specifiers of TypeScript files included) with the TypeScript resolver and judge the file's path;
// `import-x/no-unresolved` makes sure no import escapes them by not resolving.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/** Test code: exempt from the layer rules (it reaches into any layer it tests), not from the module rules. */
const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', 'tests/**', 'e2e/**', 'lab/**', 'bench/**'];

// electron/core, bottom to top; folders on one floor may import each other.
const CORE_FLOORS = [
  ['base'],
  ['tuf'],
  ['remote', 'cache', 'keystore'],
  ['signing'],
  ['session'],
  ['publishing', 'ceremony', 'cosign', 'enforcement'],
  ['use-cases'],
];

/** The files of ours a zone may import outside itself; anything else in the repository is fenced off. */
const zone = (target, allowed, message) => ({ target, from: '.', except: [...allowed, './node_modules'], message });

const coreZones = CORE_FLOORS.flatMap((floor, level) => {
  const below = CORE_FLOORS.slice(0, level + 1).flat();
  return floor.map((layer) =>
    zone(
      `./electron/core/${layer}`,
      [...below.map((l) => `./electron/core/${l}`), './electron/signer/protocol.ts', './shared'],
      `electron/core/${layer} may import only ${below.join(', ')}, electron/signer/protocol.ts and shared/.`,
    ),
  );
});

const zones = [
  zone('./renderer/src', ['./renderer/src', './shared'], 'The renderer may import only shared/ outside renderer/src.'),
  zone('./shared', ['./shared'], 'shared/ imports nothing of ours (npm packages only).'),
  ...coreZones,
];

// Modules that belong to one runtime: `electron` to the Electron main process and preload, `pkcs11js` to the PKCS#11 worker.
const ELECTRON_ONLY = 'The electron module is for electron/main and electron/preload only.';
const PKCS11_ONLY = 'pkcs11js is loaded only by the PKCS#11 worker in electron/signer.';
const restrictModules = (names) => {
  const message = (name) => (name === 'electron' ? ELECTRON_ONLY : PKCS11_ONLY);
  return {
    'no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message: message(name) })) }],
    // import('electron'), require('electron') and `typeof import('pkcs11js')` are not ImportDeclarations.
    'no-restricted-syntax': [
      'error',
      ...names.flatMap((name) => [
        { selector: `ImportExpression[source.value='${name}']`, message: message(name) },
        { selector: `CallExpression[callee.name='require'][arguments.0.value='${name}']`, message: message(name) },
        { selector: `TSImportType[source.value='${name}']`, message: message(name) },
      ]),
    ],
  };
};

export default defineConfig([
  globalIgnores([
    'dist/',
    'dist-*/',
    'out/',
    'test-results/',
    'playwright-report/',
    '.lab/',
    '.e2e-results/',
    'tests/fixtures/',
    'docs/screenshots/',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // Unused code is a real smell; a leading underscore marks a deliberate one.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Playwright fixtures take `async ({}, use) => ...`.
      'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }],
      // Style only: a regex matching literal output may spell two spaces as two spaces.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: TEST_FILES,
    rules: {
      // Mocks and loosely typed test helpers.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['renderer/src/**', 'e2e/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: {
      // bin/trustdesk.js loads the built CLI from dist/, which may not exist yet.
      'import-x/no-unresolved': ['error', { ignore: ['^\\.\\./dist/'] }],
    },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    ignores: TEST_FILES,
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones }],
    },
  },
  // Module fences (apply to tests too).
  { rules: restrictModules(['electron', 'pkcs11js']) },
  { files: ['electron/main/**', 'electron/preload/**'], rules: restrictModules(['pkcs11js']) },
  { files: ['electron/signer/**'], rules: restrictModules(['electron']) },
  // Starts the Electron binary, whose path the electron package exports.
  { files: ['scripts/start-electron.mjs'], rules: restrictModules(['pkcs11js']) },
]);
