/**
 * Scenario builders: each pushes images to the lab registry and makes trust
 * data with the real `notary` / `docker trust` CLIs (never with our client),
 * then returns what a correct client should report.
 */
import { dockerTrust, notary } from './cli.js';
import { gunFor, mapPool, pushTag, repoFor, TagLedger, unpushedManifest, type ScenarioDescriptor, type ScenarioLab } from './scenario-kit.js';
import { ensureSigner } from './signers.js';

export interface ScenarioOptions {
  /** Repository name under `lab/` (default: the scenario's own name). */
  name?: string;
}

function describe(lab: ScenarioLab, name: string, ledger: TagLedger, signers?: Record<string, string[]>): ScenarioDescriptor {
  return { gun: gunFor(lab, name), name, repo: repoFor(name), tags: ledger.tags(), ...(signers ? { signers } : {}) };
}

/** Delegation signers and their key IDs, from `docker trust inspect` JSON. */
export async function signerKeyIds(lab: ScenarioLab, gun: string): Promise<Record<string, string[]>> {
  const { stdout } = await dockerTrust(lab, ['inspect', gun]);
  const [repo] = JSON.parse(stdout) as Array<{ Signers: Array<{ Name: string; Keys: Array<{ ID: string }> }> }>;
  const out: Record<string, string[]> = {};
  const sorted = [...(repo?.Signers ?? [])].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  for (const s of sorted) out[s.Name] = s.Keys.map((k) => k.ID).sort();
  return out;
}

/** `empty`: images pushed (`latest`, `v1`), no trust data at all. */
export async function buildEmpty(lab: ScenarioLab, opts: ScenarioOptions = {}): Promise<ScenarioDescriptor> {
  const name = opts.name ?? 'empty';
  const ledger = new TagLedger();
  for (const tag of ['latest', 'v1']) ledger.pushed(tag, (await pushTag(lab, name, tag)).digest);
  return describe(lab, name, ledger);
}

/**
 * `app`: `notary init -p`; v1 and latest signed in `targets`; `revoked` signed
 * then removed with `docker trust revoke --yes`; `unpushed` signed but never
 * pushed; then `latest` re-pushed with another image; `v2` pushed, never signed.
 */
export async function buildApp(lab: ScenarioLab, opts: ScenarioOptions = {}): Promise<ScenarioDescriptor> {
  const name = opts.name ?? 'app';
  const gun = gunFor(lab, name);
  const ledger = new TagLedger();
  const v1 = await pushTag(lab, name, 'v1');
  const latest = await pushTag(lab, name, 'latest');
  const revoked = await pushTag(lab, name, 'revoked');
  await notary(lab, ['init', '-p', gun]);
  await notary(lab, ['add', '-p', gun, 'v1', v1.file]);
  await notary(lab, ['add', '-p', gun, 'latest', latest.file]);
  await notary(lab, ['add', '-p', gun, 'revoked', revoked.file]);
  await dockerTrust(lab, ['revoke', '--yes', `${gun}:revoked`]);
  const unpushed = await unpushedManifest(lab, name, 'unpushed');
  await notary(lab, ['add', '-p', gun, 'unpushed', unpushed.file]);
  const latest2 = await pushTag(lab, name, 'latest', 'latest-repushed');
  const v2 = await pushTag(lab, name, 'v2');
  ledger
    .pushed('v1', v1.digest)
    .sign('v1', v1.digest)
    .pushed('latest', latest2.digest)
    .sign('latest', latest.digest)
    .pushed('revoked', revoked.digest)
    .sign('unpushed', unpushed.digest)
    .pushed('v2', v2.digest);
  return describe(lab, name, ledger);
}

export interface TeamOptions extends ScenarioOptions {
  /** Remove bob at the end (default true); false builds the "before removal" state. */
  removeBob?: boolean;
}

/**
 * `team`: alice and bob added with `docker trust signer add` (docker-style init,
 * server-managed snapshot). alice signs v1, v2, revoked into targets/releases +
 * targets/alice; bob (own trust dir) signs bob-only and co-signs v1 with
 * `docker trust sign`; the admin revokes `revoked`; v3 pushed unsigned; then bob
 * is removed with the notary CLI (`docker trust signer remove` does not remove).
 */
export async function buildTeam(lab: ScenarioLab, opts: TeamOptions = {}): Promise<ScenarioDescriptor> {
  const removeBob = opts.removeBob ?? true;
  const name = opts.name ?? (removeBob ? 'team' : 'team-before');
  const gun = gunFor(lab, name);
  const [alice, bob] = await Promise.all([ensureSigner(lab, 'alice', false), ensureSigner(lab, 'bob', true)]);
  const ledger = new TagLedger();
  const img: Record<string, { digest: string; file: string }> = {};
  for (const tag of ['v1', 'v2', 'revoked', 'bob-only', 'v3']) {
    img[tag] = await pushTag(lab, name, tag);
    ledger.pushed(tag, img[tag]!.digest);
  }
  await dockerTrust(lab, ['signer', 'add', '--key', alice.pubFile, 'alice', gun]);
  await dockerTrust(lab, ['signer', 'add', '--key', bob.pubFile, 'bob', gun]);
  const aliceRoles = ['--roles', 'targets/releases', '--roles', 'targets/alice'];
  for (const tag of ['v1', 'v2', 'revoked']) {
    await notary(lab, ['add', gun, tag, img[tag]!.file, ...aliceRoles], { trustDir: alice.trustDir });
    ledger.sign(tag, img[tag]!.digest, ['alice']);
  }
  await notary(lab, ['publish', gun], { trustDir: alice.trustDir });
  await notary(lab, ['add', '-p', gun, 'bob-only', img['bob-only']!.file, '--roles', 'targets/releases', '--roles', 'targets/bob'], {
    trustDir: bob.trustDir,
    env: bob.env,
  });
  ledger.sign('bob-only', img['bob-only']!.digest, ['bob']);
  await dockerTrust(lab, ['sign', `${gun}:v1`], { env: bob.env });
  ledger.sign('v1', img.v1!.digest, ['alice', 'bob']);
  await dockerTrust(lab, ['revoke', '--yes', `${gun}:revoked`], { env: alice.env });
  ledger.unsign('revoked');
  let signers = await signerKeyIds(lab, gun);
  if (removeBob) {
    const bobKeys = signers.bob;
    if (!bobKeys?.length) throw new Error(`team: no key IDs for bob in ${gun}: ${JSON.stringify(signers)}`);
    await notary(lab, ['delegation', 'remove', gun, 'targets/releases', ...bobKeys]);
    await notary(lab, ['delegation', 'remove', '-y', gun, 'targets/bob']);
    await notary(lab, ['publish', gun]);
    ledger.mapSigners((s) => {
      const left = s.filter((x) => x !== 'bob');
      return left.length ? left : ['Repo Admin'];
    });
    signers = await signerKeyIds(lab, gun);
  }
  return describe(lab, name, ledger, signers);
}

/** `team-before`: the team repository as it was before bob was removed. */
export function buildTeamBefore(lab: ScenarioLab, opts: ScenarioOptions = {}): Promise<ScenarioDescriptor> {
  return buildTeam(lab, { name: opts.name ?? 'team-before', removeBob: false });
}

/**
 * `rotated`: notary init, v1 signed, then `notary key rotate` targets, snapshot
 * `-r`, timestamp `-r` and root (`yes` on stdin); v2 signed; publish. Root
 * versions 1..5 end up on the server.
 */
export async function buildRotated(lab: ScenarioLab, opts: ScenarioOptions = {}): Promise<ScenarioDescriptor> {
  const name = opts.name ?? 'rotated';
  const gun = gunFor(lab, name);
  const ledger = new TagLedger();
  const v1 = await pushTag(lab, name, 'v1');
  const v2 = await pushTag(lab, name, 'v2');
  await notary(lab, ['init', '-p', gun]);
  await notary(lab, ['add', '-p', gun, 'v1', v1.file]);
  await notary(lab, ['key', 'rotate', gun, 'targets']);
  await notary(lab, ['key', 'rotate', gun, 'snapshot', '-r']);
  await notary(lab, ['key', 'rotate', gun, 'timestamp', '-r']);
  const root = await notary(lab, ['key', 'rotate', gun, 'root'], { stdin: 'yes\n' });
  if (!/Successfully rotated root key/.test(root.stdout + root.stderr)) {
    throw new Error(`rotated: root rotation did not happen:\n${root.stdout}\n${root.stderr}`);
  }
  await notary(lab, ['add', gun, 'v2', v2.file]);
  await notary(lab, ['publish', gun]);
  ledger.pushed('v1', v1.digest).sign('v1', v1.digest).pushed('v2', v2.digest).sign('v2', v2.digest);
  return describe(lab, name, ledger);
}

export interface SplitScenario extends ScenarioDescriptor {
  /** Per tag, the digest `targets` signs where `targets/releases` signs another: docker does not pull it. */
  shadowed: Record<string, string>;
}

/**
 * `split`: tags signed with different digests in `targets` and `targets/releases` (both released
 * roles). `docker pull` resolves a tag in targets/releases first, then targets (GetTargetByName /
 * ListTargets with those roles), so the releases digest is the signed one:
 * - v1: the registry serves A; releases signs A (by alice, a releases-only signature), targets signs
 *   B (never pushed): signed, A.
 * - v2: the registry serves C; targets signs C, releases signs D (never pushed): docker pulls D,
 *   whatever the tag serves: digest-mismatch.
 * - solo: signed in targets only: signed.
 * `docker trust inspect` lists both rows of v1 and v2 (in an order that varies: docker sorts by tag
 * only, from a map). The admin signs targets, alice (key in the lab's trust dir) targets/releases,
 * with the real notary CLI; `docker trust signer add` creates the releases delegation.
 */
export async function buildSplit(lab: ScenarioLab, opts: ScenarioOptions = {}): Promise<SplitScenario> {
  const name = opts.name ?? 'split';
  const gun = gunFor(lab, name);
  const alice = await ensureSigner(lab, 'alice', false);
  const ledger = new TagLedger();
  const a = await pushTag(lab, name, 'v1');
  const c = await pushTag(lab, name, 'v2');
  const solo = await pushTag(lab, name, 'solo');
  const b = await unpushedManifest(lab, name, 'v1-targets');
  const d = await unpushedManifest(lab, name, 'v2-releases');
  await dockerTrust(lab, ['signer', 'add', '--key', alice.pubFile, 'alice', gun]);
  await notary(lab, ['add', gun, 'v1', b.file]);
  await notary(lab, ['add', gun, 'v2', c.file]);
  await notary(lab, ['add', gun, 'solo', solo.file]);
  await notary(lab, ['add', gun, 'v1', a.file, '--roles', 'targets/releases'], { trustDir: alice.trustDir });
  await notary(lab, ['add', gun, 'v2', d.file, '--roles', 'targets/releases'], { trustDir: alice.trustDir });
  await notary(lab, ['publish', gun]);
  ledger
    .pushed('v1', a.digest)
    .sign('v1', a.digest)
    .pushed('v2', c.digest)
    .sign('v2', d.digest)
    .pushed('solo', solo.digest)
    .sign('solo', solo.digest);
  return { ...describe(lab, name, ledger, await signerKeyIds(lab, gun)), shadowed: { v1: b.digest, v2: c.digest } };
}

export interface FleetOptions {
  /** Number of repositories (default 20), named `<prefix>-01`... */
  repos?: number;
  /** Tags per repository (default 10): `v1`... */
  tags?: number;
  /** Repositories built at once (default 3). */
  concurrency?: number;
  /** Name prefix (default `fleet`). */
  prefix?: string;
}

async function buildFleetRepo(lab: ScenarioLab, name: string, tags: number): Promise<ScenarioDescriptor> {
  const gun = gunFor(lab, name);
  const ledger = new TagLedger();
  const files: Array<{ tag: string; file: string; digest: string }> = [];
  for (let i = 1; i <= tags; i++) {
    const tag = `v${i}`;
    const m = await pushTag(lab, name, tag);
    files.push({ tag, ...m });
    ledger.pushed(tag, m.digest).sign(tag, m.digest);
  }
  await notary(lab, ['init', gun]);
  for (const f of files) await notary(lab, ['add', gun, f.tag, f.file]);
  await notary(lab, ['publish', gun]);
  return describe(lab, name, ledger);
}

/** Makes sure the lab's trust dir holds a root key, so concurrent `notary init`s share it. */
async function ensureRootKey(lab: ScenarioLab): Promise<void> {
  const { stdout } = await notary(lab, ['key', 'list']);
  if (/^\s*root\s/m.test(stdout)) return;
  await notary(lab, ['key', 'generate', 'ecdsa', '--role', 'root']);
}

/** `fleet`: many small signed repositories (each `notary init`, one `add` per tag, one `publish`). */
export async function buildFleet(lab: ScenarioLab, opts: FleetOptions = {}): Promise<ScenarioDescriptor[]> {
  const repos = opts.repos ?? 20;
  const prefix = opts.prefix ?? 'fleet';
  await ensureRootKey(lab);
  const names = Array.from({ length: repos }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
  return mapPool(names, opts.concurrency ?? 3, (name) => buildFleetRepo(lab, name, opts.tags ?? 10));
}

export interface AllScenarios {
  empty: ScenarioDescriptor;
  app: ScenarioDescriptor;
  team: ScenarioDescriptor;
  teamBefore: ScenarioDescriptor;
  rotated: ScenarioDescriptor;
  fleet: ScenarioDescriptor[];
}

/** Builds every scenario (fleet size per `fleet`; `false` skips it). */
export async function buildAllScenarios(lab: ScenarioLab, opts: { fleet?: FleetOptions | false } = {}): Promise<AllScenarios> {
  const empty = await buildEmpty(lab);
  const app = await buildApp(lab);
  const team = await buildTeam(lab);
  const teamBefore = await buildTeamBefore(lab);
  const rotated = await buildRotated(lab);
  const fleet = opts.fleet === false ? [] : await buildFleet(lab, opts.fleet ?? {});
  return { empty, app, team, teamBefore, rotated, fleet };
}
