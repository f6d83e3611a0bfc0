/**
 * Key ceremonies (docs/ceremony.md):
 *   trustdesk root generate | backup | restore-drill | rotate
 *   trustdesk bundle export | sign | import
 *   trustdesk ceremony verify LOG
 * Every step is appended to the hash-chained ceremony log (--log FILE, default
 * <trust dir>/ceremony/ceremony.log). `bundle sign` makes no network connection at all.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportRootBackup, findRootKey, restoreDrill } from '../../core/ceremony/backup.js';
import { checkBundle, compareWithCachedRoot, envelopeOf, missingSignatures, rootCertificates, signBundle } from '../../core/ceremony/bundle.js';
import { CeremonyLog, verifyLogText } from '../../core/ceremony/log.js';
import { buildRotationBundle, compromiseStatement, importSignedBundle, prepareRootRotation, simulateClients } from '../../core/ceremony/rotation.js';
import { TrustDeskError } from '../../core/base/errors.js';
import { KeyRing } from '../../core/signing/signer.js';
import { defaultTrustDir } from '../../core/use-cases/keys/keys.js';
import { parseCommandArgs, sessionFrom, UsageError, type Command, type Io } from '../cli-support.js';
import { passphrasePrompt } from './publish-support.js';
import { tokenAccess } from './token-support.js';
import { loadRemoteTrust } from '../../core/publishing/publisher.js';
import { TrustCache } from '../../core/cache/trust-cache.js';
import type { PublicKeyJson } from '../../core/tuf/keys.js';

const LOG_OPT = { log: { type: 'string' }, json: { type: 'boolean' } } as const;

function trustDirOf(values: Record<string, unknown>, io: Io): string {
  return (values['trust-dir'] as string | undefined) ?? defaultTrustDir(io.env, values.config as string | undefined);
}

function logOf(values: Record<string, unknown>, trustDir: string): CeremonyLog {
  return new CeremonyLog((values.log as string | undefined) ?? join(trustDir, 'ceremony', 'ceremony.log'));
}

function ring(trustDir: string, io: Io): KeyRing {
  const prompt = passphrasePrompt(io);
  return new KeyRing(trustDir, { env: io.env, ...(prompt ? { prompt } : {}) });
}

function parseShares(s: string): { threshold: number; total: number } {
  const m = /^(\d+)-of-(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--shares takes M-of-N (e.g. 3-of-5), got "${s}"`);
  return { threshold: Number(m[1]), total: Number(m[2]) };
}

const ROOT_USAGE = `Usage: trustdesk root COMMAND
  generate                                   new encrypted root key file (ECDSA P-256) in the trust dir
  backup KEYID --out DIR [--shares M-of-N]   encrypted copy of the root key to DIR (removable medium);
                                             shares of the encrypted key as text files and printable QR pages
  restore-drill (--backup FILE | --share FILE...) [--expect-key KEYID] REPO...
                                             rebuild the key in memory, check it against each repository's root
  rotate REPO --new-key KEYID --bundle-out FILE [--allow-no-backup]
                                             pre-flight, the new root.json signed by the new key, a request
                                             bundle for the old root key (sign it offline: trustdesk bundle sign)
  rotate REPO --compromised --new-key KEYID  what a rotation without the old key means for clients, simulated (no publish)
Options: --log FILE (ceremony log), --json, --trust-dir DIR, --config DIR, --server URL
`;

async function rootCmd(args: string[], io: Io): Promise<number> {
  const sub = args[0];
  const { values, positionals } = parseCommandArgs(args.slice(1), { ...LOG_OPT, out: { type: 'string', short: 'o' }, shares: { type: 'string' }, backup: { type: 'string' }, share: { type: 'string', multiple: true }, 'new-key': { type: 'string' }, 'expect-key': { type: 'string' }, 'bundle-out': { type: 'string' }, 'allow-no-backup': { type: 'boolean' }, compromised: { type: 'boolean' } });
  const trustDir = trustDirOf(values, io);
  const log = logOf(values, trustDir);
  const out = (v: unknown, text: string) => io.stdout(values.json ? `${JSON.stringify(v, null, 2)}\n` : text);
  switch (sub) {
    case 'generate': {
      const s = await ring(trustDir, io).generate({ role: 'root' });
      await log.append({ step: 'root-key-generated', keyIds: [s.keyId], details: { encrypted: 'pkcs8-pbes2' } });
      out({ keyId: s.keyId }, `Generated new root key with ID ${s.keyId}\n`);
      return 0;
    }
    case 'backup': {
      if (positionals.length !== 1 || !values.out) throw new UsageError('"trustdesk root backup" requires KEYID and --out DIR');
      const r = await exportRootBackup({ trustDir, keyId: positionals[0]!, outDir: values.out as string, ...(values.shares ? { shares: parseShares(values.shares as string) } : {}), log });
      out(r, `Root key ${r.keyId} backed up (encrypted) to ${r.backupFile}\n${r.shares ? `${r.shares.total} shares (any ${r.shares.threshold} rebuild the encrypted key), set ${r.shares.setId}:\n${r.shares.files.map((f, i) => `  ${f}  (print ${r.shares!.pages[i]})`).join('\n')}\n` : ''}The key counts as backed up only after: trustdesk root restore-drill\n`);
      return 0;
    }
    case 'restore-drill': {
      if (positionals.length === 0 && !values['expect-key']) throw new UsageError('"trustdesk root restore-drill" requires at least one REPO (or --expect-key ID for a new key)');
      if (!values.backup === !values.share) throw new UsageError('give either --backup FILE or --share FILE (repeated, at least M)');
      const session = sessionFrom(values, io);
      try {
        const roots: { gun: string; raw: Buffer }[] = [];
        for (const p of positionals) {
          const ref = (await import('../../core/base/reference.js')).parseReference(p);
          const t = await session.loadTrust(ref);
          roots.push({ gun: ref.gun, raw: t.root.raw });
        }
        const shares = values.share ? await Promise.all((values.share as string[]).map((f) => readFile(f, 'utf8'))) : undefined;
        const prompt = passphrasePrompt(io);
        const r = await restoreDrill({ source: shares ? { shares } : { backupFile: values.backup as string }, roots, env: io.env, ...(prompt ? { prompt } : {}), ...(values['expect-key'] ? { expectKeyId: values['expect-key'] as string } : {}), trustDir, log });
        out(r, `${r.expected ? `${r.expected.matches ? 'ok  ' : 'FAIL'} rebuilt key ${r.keyId} ${r.expected.matches ? 'is' : 'is NOT'} the expected key ${r.expected.keyId}\n` : ''}${r.repositories.map((x) => `${x.matches ? 'ok  ' : 'FAIL'} ${x.gun} root version ${x.version}${x.matches ? '' : ': its root key is not the restored key'}`).join('\n')}\n${r.ok ? `Restore drill passed: root key ${r.keyId} rebuilt from the ${r.from}; it is backed up.\n` : `Restore drill FAILED for key ${r.keyId}: the key is NOT backed up.\n`}`);
        if (!r.ok) throw new TrustDeskError('BACKUP_DRILL_FAILED', `the key rebuilt from the ${r.from} (${r.keyId.slice(0, 12)}) is not ${r.expected && !r.expected.matches ? `the expected key ${r.expected.keyId.slice(0, 12)}` : `the root key of ${r.repositories.filter((x) => !x.matches).map((x) => x.gun).join(', ')}`}`);
        return 0;
      } finally {
        session.close();
      }
    }
    case 'rotate': {
      if (positionals.length !== 1) throw new UsageError('"trustdesk root rotate" requires REPO');
      const session = sessionFrom(values, io);
      const ref = (await import('../../core/base/reference.js')).parseReference(positionals[0]!);
      try {
        if (values.compromised) {
          if (!values['new-key']) throw new UsageError('"trustdesk root rotate --compromised" requires --new-key KEYID (the replacement root key)');
          const t = await loadRemoteTrust(session, ref);
          const keys = ring(session.cache.trustDir, io);
          const signer = await keys.rootSigner(await findRootKey(session.cache.trustDir, values['new-key'] as string));
          const b = await buildRotationBundle(ref.gun, t.root.raw, t.snapshot.raw, signer, session.now());
          const sims = simulateClients(ref.gun, [t.root.raw], envelopeOf(checkBundle(JSON.stringify(b))), session.now());
          const statement = compromiseStatement(ref.gun, t.root.signed.version);
          await logOf(values, session.cache.trustDir).append({ step: 'compromise-rotation-assessed', keyIds: [signer.keyId], details: { gun: ref.gun, simulations: sims.map((x) => `${x.ok ? 'ok' : 'REFUSED'} ${x.client}`) } });
          out({ statement, simulations: sims }, `${statement}\nSimulation of a root signed by the new key only:\n${sims.map((x) => `  ${x.ok ? 'accepts' : 'REFUSES'} ${x.client}: ${x.detail}`).join('\n')}\nNothing was published.\n`);
          return 0;
        }
        if (!values['new-key'] || !values['bundle-out']) throw new UsageError('"trustdesk root rotate" requires --new-key KEYID and --bundle-out FILE');
        const plan = await prepareRootRotation({ session, ref, keys: ring(session.cache.trustDir, io), newRootKeyId: values['new-key'] as string, allowUnbackedUp: !!values['allow-no-backup'], log: new CeremonyLog((values.log as string | undefined) ?? join(session.cache.trustDir, 'ceremony', 'ceremony.log')) });
        await writeFile(values['bundle-out'] as string, `${JSON.stringify(plan.bundle, null, 2)}\n`, { mode: 0o600 });
        out({ preflight: plan.preflight, bundle: values['bundle-out'], id: plan.bundle.id, sha256: plan.bundle.items[0]!.sha256 }, `Pre-flight:\n${plan.preflight.map((p) => `  ${p.ok ? 'ok  ' : 'FAIL'} ${p.check}: ${p.detail}`).join('\n')}\n${plan.bundle.summary.map((l) => `  ${l}`).join('\n')}\nSigning request ${plan.bundle.id} written to ${values['bundle-out']} (root.json sha256 ${plan.bundle.items[0]!.sha256}).\nNext: on the offline machine, trustdesk bundle sign ${values['bundle-out']} -o signed.json; then trustdesk bundle import signed.json\n`);
        return 0;
      } finally {
        session.close();
      }
    }
    default:
      io.stdout(ROOT_USAGE);
      return sub === undefined || sub === 'help' || sub === '--help' ? 0 : 2;
  }
}

const BUNDLE_USAGE = `Usage: trustdesk bundle COMMAND
  export REPO --new-key KEYID -o FILE        same as trustdesk root rotate REPO --new-key KEYID --bundle-out FILE
  show FILE                                  check a bundle and print exactly what it asks to sign
  sign FILE -o OUT --yes [--module PATH]     offline: sign with the root key files or tokens of this trust dir
  import FILE [--no-publish] [--rollback-plan FILE]
                                             verify every signature, simulate clients, publish, re-verify
`;

async function bundleCmd(args: string[], io: Io): Promise<number> {
  const sub = args[0];
  const { values, positionals } = parseCommandArgs(args.slice(1), { ...LOG_OPT, out: { type: 'string', short: 'o' }, yes: { type: 'boolean', short: 'y' }, 'new-key': { type: 'string' }, 'no-publish': { type: 'boolean' }, 'rollback-plan': { type: 'string' }, 'allow-no-backup': { type: 'boolean' }, module: { type: 'string', multiple: true } });
  const trustDir = trustDirOf(values, io);
  const log = logOf(values, trustDir);
  switch (sub) {
    case 'export': {
      if (positionals.length !== 1 || !values.out) throw new UsageError('"trustdesk bundle export" requires REPO and -o FILE');
      return rootCmd(['rotate', positionals[0]!, '--bundle-out', values.out as string, ...(values['new-key'] ? ['--new-key', values['new-key'] as string] : []), ...(values['allow-no-backup'] ? ['--allow-no-backup'] : []), ...passthrough(values)], io);
    }
    case 'show':
    case 'sign': {
      // offline: no session, no network; only files of this machine and its tokens
      if (positionals.length !== 1) throw new UsageError(`"trustdesk bundle ${sub}" requires FILE`);
      const c = checkBundle(await readFile(positionals[0]!, 'utf8'));
      const item = c.bundle.items[0]!;
      const cacheNote = compareWithCachedRoot(c, await new TrustCache(trustDir).read(c.bundle.gun, 'root').catch(() => undefined));
      io.stdout(`Bundle ${c.bundle.id} (${c.bundle.kind}) for ${c.bundle.gun}, made ${c.bundle.createdAt}\n${c.summary.map((l) => `  ${l}`).join('\n')}\n${rootCertificates(c.newRoots[0]! as never).map((l) => `  certificate ${l}`).join('\n')}\n  sign: root.json version ${item.version}, ${item.length} bytes, sha256 ${item.sha256}\n  signatures present: ${item.signatures.map((s) => s.keyid.slice(0, 12)).join(', ') || 'none'}\n${missingSignatures(c).map((m) => `  missing: ${m}`).join('\n')}\n  trusted root: ${cacheNote}\n`);
      if (sub === 'show') return 0;
      if (!values.out) throw new UsageError('"trustdesk bundle sign" requires -o OUT');
      if (!values.yes) throw new TrustDeskError('CONFIRMATION_REQUIRED', 'read what is signed above, then run again with --yes');
      const keys = ring(trustDir, io);
      const tokens = tokenAccess(io, trustDir);
      try {
        const finder = { signerFor: async (k: PublicKeyJson) => (await keys.signerFor(k)) ?? (await tokens.signerFor(k)) };
        const { bundle, signedBy } = await signBundle(c, finder, new Date());
        await writeFile(values.out as string, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600 });
        await log.append({ step: 'bundle-signed-offline', keyIds: signedBy, hashes: { 'root.json signed': item.sha256, 'signed bundle': bundle.bundleSha256 }, details: { gun: c.bundle.gun, bundleId: c.bundle.id, network: 'none' } });
        io.stdout(`Signed by ${signedBy.join(', ')}; signed bundle written to ${values.out}\n`);
        return 0;
      } finally {
        tokens.close();
      }
    }
    case 'import': {
      if (positionals.length !== 1) throw new UsageError('"trustdesk bundle import" requires FILE');
      const text = await readFile(positionals[0]!, 'utf8');
      const c = checkBundle(text, 'signed');
      const session = sessionFrom(values, io);
      try {
        const ref = (await import('../../core/base/reference.js')).parseReference(c.bundle.gun);
        const r = await importSignedBundle({ session, ref, trustDir: session.cache.trustDir, text, publish: !values['no-publish'], log: new CeremonyLog((values.log as string | undefined) ?? join(session.cache.trustDir, 'ceremony', 'ceremony.log')), rollbackPlanFile: (values['rollback-plan'] as string | undefined) ?? `${positionals[0]}.rollback-plan.md` });
        io.stdout(values.json ? `${JSON.stringify(r, null, 2)}\n` : `Every signature verified. Simulation:\n${r.simulations.map((s) => `  ${s.ok ? 'ok  ' : 'FAIL'} ${s.client}: ${s.detail}`).join('\n')}\n${r.published ? `Published root version ${r.toVersion} of ${r.gun} (new root key ${r.newRootKeyIds.join(', ')}) and verified it from the server.\nRollback plan: ${r.rollbackPlan}\n` : 'Not published (--no-publish).\n'}`);
        return 0;
      } finally {
        session.close();
      }
    }
    default:
      io.stdout(BUNDLE_USAGE);
      return sub === undefined || sub === 'help' || sub === '--help' ? 0 : 2;
  }
}

function passthrough(values: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of ['server', 'tlscacert', 'config', 'trust-dir', 'log', 'timeout']) if (values[k]) out.push(`--${k}`, values[k] as string);
  if (values.json) out.push('--json');
  return out;
}

async function ceremonyCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args.slice(1), { json: { type: 'boolean' } });
  if (args[0] !== 'verify' || positionals.length !== 1) {
    io.stdout('Usage: trustdesk ceremony verify LOG   check the hash chain of a ceremony log (exit 0 intact, 1 broken)\n');
    return args[0] === undefined || args[0] === '--help' ? 0 : 2;
  }
  const r = verifyLogText(await readFile(positionals[0]!, 'utf8'));
  if (values.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
  else if (r.ok) io.stdout(`Ceremony log intact: ${r.entries} entries, head ${r.head}\n`);
  else io.stdout(`Ceremony log BROKEN at line ${r.problem!.line}: ${r.problem!.message} (${r.entries} entries before it verify)\n`);
  return r.ok ? 0 : 1;
}

export const rootCommand: Command = { name: 'root', summary: 'root generate|backup|restore-drill|rotate   root key ceremonies (docs/ceremony.md)', run: rootCmd };
export const bundleCommand: Command = { name: 'bundle', summary: 'bundle export|show|sign|import   offline signing bundles for root rotation', run: bundleCmd };
export const ceremonyCommand: Command = { name: 'ceremony', summary: 'ceremony verify LOG   check a ceremony log\'s hash chain', run: ceremonyCmd };
