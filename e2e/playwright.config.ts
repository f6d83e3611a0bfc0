/**
 * The e2e suite: the built renderer served locally, opened in Debian Chromium, with window.trustdesk
 * bridged to the real handler registry, against a lab of real notary-server + registry started by
 * global-setup.ts and stopped after the run.
 */
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

export const CHROMIUM = process.env.TRUSTDESK_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  globalSetup: './support/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // the JSON report feeds the one summary line of .ci/run (scripts/test-summary.mjs)
  reporter: [['list'], ['json', { outputFile: resolve(import.meta.dirname, '../test-results/e2e.json') }]],
  outputDir: '../.e2e-results',
  use: {
    viewport: { width: 1280, height: 820 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
