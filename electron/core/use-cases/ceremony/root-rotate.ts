/**
 * Root rotation, online side (`trustdesk root rotate`, `bundle export`, `ceremony:rotate-request`):
 * the pre-flight, the next root.json signed by the new root key, and the request bundle written for
 * the offline signature of the old root key. And the compromise assessment (`root rotate
 * --compromised`): what clients would do with a root the old key did not sign; nothing is published.
 */
import { writeFile } from 'node:fs/promises';
import { parseReference } from '../../base/reference.js';
import { findRootKey } from '../../ceremony/backup.js';
import { checkBundle, envelopeOf } from '../../ceremony/bundle.js';
import {
  buildRotationBundle,
  compromiseStatement,
  prepareRootRotation,
  simulateClients,
  type PreflightCheck,
  type Simulation,
} from '../../ceremony/rotation.js';
import { loadRemoteTrust } from '../../publishing/publisher.js';
import type { TrustContext } from '../../session/context.js';
import { ceremonyLogOf } from './ceremony-log.js';

export interface RotationRequestInput {
  repository: string;
  /** The new root key's ID or a unique prefix (a key file of the trust dir). */
  newKeyId: string;
  /** Where the request bundle is written (0600). */
  outFile: string;
  /** Skip the "new key backed up" pre-flight check (said in the output and the log). */
  allowNoBackup?: boolean;
}

export interface RotationRequestResult {
  preflight: PreflightCheck[];
  summary: string[];
  bundleId: string;
  /** sha256 of the new root.json's signed bytes: compare it on the offline machine. */
  sha256: string;
  outFile: string;
}

export async function requestRootRotation(ctx: TrustContext, input: RotationRequestInput): Promise<RotationRequestResult> {
  const ref = parseReference(input.repository);
  const plan = await prepareRootRotation({
    session: ctx.session,
    ref,
    keys: ctx.keyFiles,
    newRootKeyId: input.newKeyId,
    allowUnbackedUp: !!input.allowNoBackup,
    log: ceremonyLogOf(ctx),
  });
  await writeFile(input.outFile, `${JSON.stringify(plan.bundle, null, 2)}\n`, { mode: 0o600 });
  return {
    preflight: plan.preflight,
    summary: plan.bundle.summary,
    bundleId: plan.bundle.id,
    sha256: plan.bundle.items[0]!.sha256,
    outFile: input.outFile,
  };
}

export interface CompromiseInput {
  repository: string;
  /** The replacement root key (ID or unique prefix). */
  newKeyId: string;
}

export interface CompromiseAssessment {
  statement: string;
  simulations: Simulation[];
}

export async function assessCompromisedRotation(ctx: TrustContext, input: CompromiseInput): Promise<CompromiseAssessment> {
  const ref = parseReference(input.repository);
  const session = ctx.session;
  const t = await loadRemoteTrust(session, ref);
  const signer = await ctx.keyFiles.rootSigner(await findRootKey(ctx.trustDir, input.newKeyId));
  const b = await buildRotationBundle(ref.gun, t.root.raw, t.snapshot.raw, signer, session.now());
  const simulations = simulateClients(ref.gun, [t.root.raw], envelopeOf(checkBundle(JSON.stringify(b))), session.now());
  const statement = compromiseStatement(ref.gun, t.root.signed.version);
  await ceremonyLogOf(ctx).append({
    step: 'compromise-rotation-assessed',
    keyIds: [signer.keyId],
    details: { gun: ref.gun, simulations: simulations.map((x) => `${x.ok ? 'ok' : 'REFUSED'} ${x.client}`) },
  });
  return { statement, simulations };
}
