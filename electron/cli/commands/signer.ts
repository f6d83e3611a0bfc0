/**
 * `trustdesk signer add|remove`: docker's commands and output; `remove` really removes (docker's
 * only does after its prompt), and says first which tags lose their only signer.
 */
import { addSigner, checkSignerName, readPublicKeyFile, removeSigner, signerRemovalImpacts } from '../../core/use-cases/signers/signers.js';
import { formatPreview } from '../../core/publishing/diff-preview.js';
import { parseCommandArgs, UsageError, type Command, type Io } from '../cli-support.js';
import { contextFromFlags } from '../context.js';
import { confirm, PUBLISH_OPTIONS } from './publish-support.js';
import { createDelegateKey, delegateStatus, publicKeyQr } from '../../core/use-cases/signers/onboarding.js';
import { readFile } from 'node:fs/promises';

const USAGE = `Usage: trustdesk signer COMMAND

Commands:
  add --key FILE [--key FILE...] [--path PREFIX...] [--threshold N] NAME REPOSITORY...
  remove [-f|--force] NAME REPOSITORY...
  impact NAME REPOSITORY...     what removing NAME would cost (tags losing their only signer)

Onboarding a delegate:
  key NAME [--dir DIR] [--no-qr]          (delegate) new key; prints the public key (NAME.pub) and its QR code
  add --key NAME.pub NAME REPO...         (admin) add it, optionally with --path PREFIX
  status NAME REPO... [--key NAME.pub]    (both) the signer's role, keys, paths and signed tags
`;

function parseThreshold(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--threshold takes a whole number of at least 1, got "${String(v)}"`);
  return n;
}

async function add(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...PUBLISH_OPTIONS,
    key: { type: 'string', multiple: true },
    path: { type: 'string', multiple: true },
    threshold: { type: 'string' },
  });
  if (positionals.length < 2) throw new UsageError('"trustdesk signer add" requires at least 2 arguments (NAME REPOSITORY...)');
  const [name, ...repos] = positionals as [string, ...string[]];
  const keyFiles = (values.key as string[] | undefined) ?? [];
  checkSignerName(name);
  if (keyFiles.length === 0) throw new UsageError('path to a public key must be provided using the `--key` flag');
  const ctx = contextFromFlags(values, io);
  try {
    const keys = [];
    for (const f of keyFiles) keys.push(await readPublicKeyFile(f));
    if (!values.json && !values['dry-run']) for (const r of repos) io.stdout(`Adding signer "${name}" to ${r}...\n`);
    const outcomes = await addSigner(ctx, {
      name,
      keys,
      repositories: repos,
      ...(values.path ? { paths: values.path as string[] } : {}),
      ...(values.threshold !== undefined ? { threshold: parseThreshold(values.threshold) } : {}),
      dryRun: !!values['dry-run'],
    });
    if (values.json) io.stdout(`${JSON.stringify(outcomes, null, 2)}\n`);
    const failed: string[] = [];
    for (const o of outcomes) {
      if (o.error) {
        io.stderr(`${o.error.code}: ${o.error.message}\n`);
        failed.push(o.repository);
        continue;
      }
      if (values.json) continue;
      if (values['dry-run']) {
        io.stdout(formatPreview(o.result!.preview));
        continue;
      }
      for (const w of o.result!.warnings) io.stderr(`warning: ${w}\n`);
      if (o.initialised) io.stdout(`Initializing signed repository for ${o.repository}...\nSuccessfully initialized "${o.repository}"\n`);
      io.stdout(`Successfully added signer: ${name} to ${o.repository}\n\n`);
    }
    if (failed.length) {
      io.stderr(`failed to add signer to: ${failed.join(', ')}\n`);
      return 1;
    }
    return 0;
  } finally {
    ctx.close();
  }
}

async function remove(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...PUBLISH_OPTIONS, force: { type: 'boolean', short: 'f' } });
  if (positionals.length < 2) throw new UsageError('"trustdesk signer remove" requires at least 2 arguments (NAME REPOSITORY...)');
  const [name, ...repos] = positionals as [string, ...string[]];
  const ctx = contextFromFlags(values, io);
  try {
    const failed: string[] = [];
    for (const repo of repos) {
      if (!values.json && !values['dry-run']) io.stdout(`Removing signer "${name}" from ${repo}...\n`);
      let force = !!values.force;
      if (!force && !values['dry-run']) {
        const [first] = await signerRemovalImpacts(ctx, name, [repo]);
        const impact = first?.impact;
        if (impact?.tagsLosingOnlySigner.length && !values.json)
          io.stdout(`Tags that lose their only signer ${name}: ${impact.tagsLosingOnlySigner.join(', ')}\n`);
        if (impact?.needsConfirmation) {
          const answer = await confirm(
            io,
            `The signer "${name}" signed the last released version of ${repo}. Removing this signer will make ${repo} unpullable. Are you sure you want to continue? [y/N] `,
          );
          if (answer === undefined) {
            io.stderr(
              `CONFIRMATION_REQUIRED: the signer "${name}" signed the last released version of ${repo}; removing it makes ${repo} unpullable${impact.tagsBecomingUnpullable.length ? ` (${impact.tagsBecomingUnpullable.join(', ')})` : ''}. Nothing was removed: run again with --force to remove it\n\n`,
            );
            failed.push(repo);
            continue;
          }
          if (!answer) {
            io.stdout('\n');
            continue; // declined: nothing removed, as docker
          }
          force = true;
        }
      }
      const [o] = await removeSigner(ctx, { name, repositories: [repo], force, dryRun: !!values['dry-run'] });
      if (values.json) {
        io.stdout(`${JSON.stringify(o, null, 2)}\n`);
        if (o!.error) failed.push(repo);
        continue;
      }
      if (o!.error) {
        io.stderr(o!.error.code === 'SIGNER_NOT_FOUND' ? `${o!.error.message}\n\n` : `${o!.error.code}: ${o!.error.message}\n\n`);
        failed.push(repo);
        continue;
      }
      if (values['dry-run']) {
        io.stdout(formatPreview(o!.result!.preview));
        continue;
      }
      for (const w of o!.result!.warnings) io.stderr(`warning: ${w}\n`);
      io.stdout(`Successfully removed ${name} from ${repo}\n\n`);
    }
    if (failed.length) {
      io.stderr(`error removing signer from: ${failed.join(', ')}\n`);
      return 1;
    }
    return 0;
  } finally {
    ctx.close();
  }
}

async function impact(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
  if (positionals.length < 2) throw new UsageError('"trustdesk signer impact" requires at least 2 arguments (NAME REPOSITORY...)');
  const [name, ...repos] = positionals as [string, ...string[]];
  const ctx = contextFromFlags(values, io);
  try {
    const out = await signerRemovalImpacts(ctx, name, repos);
    if (values.json) io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    else
      for (const o of out) {
        if (o.error) io.stderr(`${o.repository}: ${o.error.code}: ${o.error.message}\n`);
        else {
          const i = o.impact!;
          io.stdout(`${o.repository}: removing ${name} (keys ${i.keyIds.map((k) => k.slice(0, 12)).join(', ')})\n`);
          io.stdout(`  tags losing their only signer: ${i.tagsLosingOnlySigner.join(', ') || '(none)'}\n`);
          io.stdout(
            `  targets/releases still meets its threshold: ${i.lastSignerOfReleases ? `no (unpullable: ${i.tagsBecomingUnpullable.join(', ') || 'no tags'})` : 'yes'}\n`,
          );
        }
      }
    return out.some((o) => o.error) ? 1 : 0;
  } finally {
    ctx.close();
  }
}

async function key(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { dir: { type: 'string' }, 'no-qr': { type: 'boolean' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('"trustdesk signer key" requires exactly 1 argument (NAME)');
  const name = positionals[0]!;
  checkSignerName(name);
  const ctx = contextFromFlags(values, io);
  try {
    const r = await createDelegateKey(ctx, { name, ...(values.dir ? { dir: values.dir as string } : {}) });
    if (values.json) {
      io.stdout(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    io.stdout(
      `Generated key ${r.keyId} for signer ${name}.\nSend only the public key to the repository admin: ${r.publicKeyPath}\n\n${r.publicKeyPem}`,
    );
    if (!values['no-qr']) io.stdout(`\n${await publicKeyQr(r.publicKeyPem, 'terminal')}\n`);
    io.stdout(`\nThe admin runs: trustdesk signer add --key ${name}.pub ${name} REPOSITORY...\n`);
    return 0;
  } finally {
    ctx.close();
  }
}

async function status(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { key: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length < 2) throw new UsageError('"trustdesk signer status" requires at least 2 arguments (NAME REPOSITORY...)');
  const [name, ...repos] = positionals as [string, ...string[]];
  const ctx = contextFromFlags(values, io);
  try {
    const pem = values.key ? await readFile(values.key as string, 'utf8') : undefined;
    const out = await delegateStatus(ctx, { name, repositories: repos, ...(pem ? { publicKeyPem: pem } : {}) });
    if (values.json) io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    else
      for (const o of out) {
        if (o.error) io.stderr(`${o.repository}: ${o.error.code}: ${o.error.message}\n`);
        else if (!o.signer) io.stdout(`${o.repository}: ${name} is not a signer${o.hasKey === false ? ' (this key is not added)' : ''}\n`);
        else {
          io.stdout(
            `${o.repository}: signer ${name}, keys ${o.keyIds.map((k) => k.slice(0, 12)).join(', ')}${o.hasKey === undefined ? '' : o.hasKey ? ' (this key: yes)' : ' (this key: NO)'}, paths ${JSON.stringify(o.paths)}${o.inReleases ? ', releases' : ''}\n`,
          );
          for (const t of o.signedTags) io.stdout(`  signed ${t.tag} ${t.digest}\n`);
        }
      }
    return out.some((o) => o.error || !o.signer || o.hasKey === false) ? 1 : 0;
  } finally {
    ctx.close();
  }
}

export const signerCommand: Command = {
  name: 'signer',
  summary: 'signer add|remove|impact|key|status ...       delegations as docker makes them; onboarding; remove that really removes',
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'add') return add(rest, io);
    if (sub === 'remove') return remove(rest, io);
    if (sub === 'impact') return impact(rest, io);
    if (sub === 'key') return key(rest, io);
    if (sub === 'status') return status(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.stdout(USAGE);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown signer command "${sub}"`);
  },
};
