import { readFileSync } from 'node:fs';
import type { AllScenarios } from '../../lab/index.js';

/** What global setup tells the tests about the running lab. */
export interface LabInfo {
  dockerConfigDir: string;
  notaryUrl: string;
  registryHost: string;
  caFile: string;
  env: Record<string, string>;
  scenarios: AllScenarios;
}

export function readLabInfo(): LabInfo {
  const file = process.env.TRUSTDESK_E2E_LAB;
  if (!file) throw new Error('TRUSTDESK_E2E_LAB is not set: run the suite through playwright test -c e2e/playwright.config.ts');
  return JSON.parse(readFileSync(file, 'utf8')) as LabInfo;
}
