/**
 * `npm run sandbox`: starts a lab in `.lab/sandbox`, builds every scenario,
 * prints how to point `trustdesk` and `docker trust` at it, and runs until
 * Ctrl-C. Flags: `--remote-signer`, `--no-fleet`.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAllScenarios, type AllScenarios } from './scenarios.js';
import type { ScenarioDescriptor } from './scenario-kit.js';
import { startLab, type Lab } from './servers.js';

/** Project root: two levels above `dist/lab/sandbox.js` (or `lab/sandbox.ts`). */
function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, here.includes(`${join('dist', 'lab')}`) ? '../..' : '..');
}

function summary(d: ScenarioDescriptor): string {
  const tags = Object.entries(d.tags)
    .map(([tag, t]) => `${tag}=${t.verdict}`)
    .join(' ');
  return `  ${d.gun.padEnd(36)} ${tags || '(no tags)'}`;
}

function report(lab: Lab, all: AllScenarios, seconds: number): string {
  const shellEnv = `export DOCKER_CONFIG=${lab.dockerConfigDir} DOCKER_CONTENT_TRUST_SERVER=${lab.notaryUrl} DOCKER_HOST=${lab.env.DOCKER_HOST}`;
  const pass = lab.env.NOTARY_ROOT_PASSPHRASE;
  const passEnv =
    `export DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE=${pass} DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE=${pass} ` +
    `NOTARY_ROOT_PASSPHRASE=${pass} NOTARY_TARGETS_PASSPHRASE=${pass} NOTARY_SNAPSHOT_PASSPHRASE=${pass} NOTARY_DELEGATION_PASSPHRASE=${pass}`;
  const fleet = all.fleet.length ? [`  ${all.fleet.length} fleet repositories: ${all.fleet[0]!.gun} ... ${all.fleet.at(-1)!.gun}`] : [];
  return [
    '',
    `TrustDesk lab sandbox (scenarios built in ${seconds.toFixed(1)} s)`,
    `  notary server : ${lab.notaryUrl}${lab.remoteSigner ? ` (remote signer ${lab.servers.signer?.url})` : ''}`,
    `  registry      : ${lab.registryUrl}`,
    `  CA            : ${lab.caFile}`,
    `  lab dir       : ${lab.dir} (logs: */*.log, descriptors: scenarios.json, env: env.sh)`,
    `  PIDs          : ${lab.pids.join(' ')}`,
    '',
    'Scenarios:',
    ...[all.empty, all.app, all.team, all.teamBefore, all.rotated].map(summary),
    ...fleet,
    '',
    'Environment (paste into a shell):',
    `  ${shellEnv}`,
    `  ${passEnv}   # only for signing`,
    '',
    'Try:',
    `  trustdesk inspect ${all.team.gun}`,
    `  docker trust inspect --pretty ${all.team.gun}`,
    `  notary -s ${lab.notaryUrl} -d ${lab.trustDir} --tlscacert ${lab.caFile} list ${all.app.gun}`,
    '',
    'Press Ctrl-C to stop the servers.',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const dir = join(projectRoot(), '.lab', 'sandbox');
  const lab = await startLab({ dir, clean: true, remoteSigner: argv.includes('--remote-signer') });
  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the lab servers...\n');
    await lab.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  try {
    const started = Date.now();
    const all = await buildAllScenarios(lab, { fleet: argv.includes('--no-fleet') ? false : {} });
    await writeFile(join(lab.dir, 'scenarios.json'), JSON.stringify(all, null, 2) + '\n');
    await writeFile(
      join(lab.dir, 'env.sh'),
      Object.entries(lab.env)
        .map(([k, v]) => `export ${k}=${v}`)
        .join('\n') + '\n',
    );
    process.stdout.write(report(lab, all, (Date.now() - started) / 1000));
  } catch (err) {
    process.stderr.write(`sandbox: ${(err as Error).message}\n`);
    await shutdown(1);
    return;
  }
  setInterval(() => undefined, 1 << 30);
}

void main(process.argv.slice(2));
