import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
    // The JSON report lets .ci/run print one plain "N passed, N failed" line for the whole run.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // `vitest run --project unit` (npm run test:unit) runs one; `vitest run` runs them all, one file at a time.
    projects: [
      {
        // Fast, in-process tests: no lab of real servers (in-process HTTP servers and SoftHSM are fine).
        extends: true,
        test: {
          name: 'unit',
          include: [
            'electron/**/*.test.ts',
            'shared/**/*.test.ts',
            'renderer/src/**/*.test.ts',
            'tests/lint/**/*.test.ts',
            'tests/app/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/*.lab.test.ts'],
        },
      },
      {
        // Against the real tools: notary, docker registry, docker trust, cosign, SoftHSM (the lab in lab/).
        extends: true,
        test: {
          name: 'interop',
          include: ['tests/interop/**/*.test.ts', 'lab/**/*.test.ts', 'electron/**/*.lab.test.ts'],
        },
      },
      {
        // A tampering proxy between the client and the lab's servers.
        extends: true,
        test: {
          name: 'attacks',
          include: ['tests/attacks/**/*.test.ts'],
        },
      },
    ],
  },
});
