/**
 * Starts the lab (real notary-server and registry), builds the scenarios with the real notary and
 * docker CLIs, and hands their description to the tests through a JSON file; stops the lab after.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, buildAllScenarios } from '../../lab/index.js';
import type { LabInfo } from './lab-info.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const lab = await startLab();
  try {
    const scenarios = await buildAllScenarios(lab, { fleet: { repos: 4, tags: 3 } });
    const info: LabInfo = {
      dockerConfigDir: lab.dockerConfigDir,
      notaryUrl: lab.notaryUrl,
      registryHost: lab.registryHost,
      caFile: lab.caFile,
      env: lab.env,
      scenarios,
    };
    const file = join(mkdtempSync(join(tmpdir(), 'trustdesk-e2e-')), 'lab.json');
    writeFileSync(file, JSON.stringify(info));
    process.env.TRUSTDESK_E2E_LAB = file;
    console.log(`e2e: lab ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${lab.notaryUrl}, registry ${lab.registryHost})`);
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return () => lab.stop();
}
