/**
 * Delegate onboarding and offboarding (issue 6 §3), as steps the CLI and the app's wizard share:
 *
 * 1. delegate's machine: `createDelegateKey` makes an ECDSA key in the trust dir (docker's
 *    `trust key generate`) and hands out only the public part: the `.pub` file, its PEM text and a
 *    QR code of it (SVG, or text for a terminal);
 * 2. admin's machine: `publicKeyFromPem` (signers.ts) reads what was sent, `addSigner` adds it to
 *    the chosen repositories with paths;
 * 3. the delegate test-signs (`signTags`) and both sides look at `delegateStatus`;
 * 4. offboarding: `signerRemovalImpacts` says which tags lose their only signer before
 *    `removeSigner` removes anyone.
 * Results carry public keys, IDs, names and tags only.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { TrustDeskError, toErrorValue, type ErrorValue } from '../../base/errors.js';
import { keyId } from '../../tuf/keys.js';
import { qrSvg, qrText } from '../../base/qr-code.js';
import { loadRemoteTrust } from '../../publishing/publisher.js';
import { parseReference } from '../../base/reference.js';
import type { TrustContext } from '../../session/context.js';
import { generateKey } from '../keys/keys.js';
import { publicKeyFromPem } from './signers.js';

export interface DelegateKeyResult {
  name: string;
  /** Canonical ID of the new key (the key file name). */
  keyId: string;
  publicKeyPath: string;
  /** The `.pub` text to send to the admin: public only. */
  publicKeyPem: string;
  /** The same text as a QR code (SVG markup). */
  qrSvg: string;
}

/**
 * A new delegation key in the context's trust dir; its `.pub` goes to `dir` (default: the working
 * directory, as docker's `trust key generate`), which `createDir` makes first (owner only).
 */
export async function createDelegateKey(ctx: TrustContext, opts: { name: string; dir?: string; createDir?: boolean }): Promise<DelegateKeyResult> {
  if (opts.dir && opts.createDir) await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const r = await generateKey(ctx, { name: opts.name, ...(opts.dir ? { dir: opts.dir } : {}) });
  const publicKeyPem = await readFile(r.publicKeyPath, 'utf8');
  return { name: opts.name, keyId: r.keyId, publicKeyPath: r.publicKeyPath, publicKeyPem, qrSvg: await publicKeyQr(publicKeyPem, 'svg') };
}

/** A pasted public key (PEM public key or certificate): its canonical ID, type and public value. */
export function readPastedKey(pem: string): { keyId: string; keyType: string; publicValue: string } {
  const key = publicKeyFromPem(pem, 'the pasted key');
  return { keyId: keyId(key), keyType: key.keytype, publicValue: key.keyval.public };
}

/** A QR code of a public key PEM (refuses anything private). */
export async function publicKeyQr(pem: string, type: 'svg' | 'terminal'): Promise<string> {
  publicKeyFromPem(pem, 'the QR code input'); // a public key or certificate, nothing else
  return type === 'svg' ? qrSvg(pem) : qrText(pem);
}

export interface DelegateRepositoryStatus {
  repository: string;
  /** The signer's role exists in the repository. */
  signer: boolean;
  /** Its key IDs there, and whether the given key (if any) is one of them. */
  keyIds: string[];
  hasKey?: boolean;
  paths: string[];
  /** The key is also in targets/releases (its tags are "released", as docker shows them). */
  inReleases: boolean;
  /** Tags the signer signed (in its own role). */
  signedTags: { tag: string; digest: string }[];
  error?: ErrorValue;
}

/** What both sides check after the test signature: the signer's role, keys, paths and tags per repository. */
export async function delegateStatus(
  ctx: TrustContext,
  opts: { name: string; repositories: string[]; publicKeyPem?: string },
): Promise<DelegateRepositoryStatus[]> {
  const role = `targets/${opts.name}`;
  const wanted = opts.publicKeyPem ? keyId(publicKeyFromPem(opts.publicKeyPem)) : undefined;
  const out: DelegateRepositoryStatus[] = [];
  for (const repository of opts.repositories) {
    const base = {
      repository,
      signer: false,
      keyIds: [] as string[],
      paths: [] as string[],
      inReleases: false,
      signedTags: [] as { tag: string; digest: string }[],
    };
    try {
      const trust = await loadRemoteTrust(ctx.session, parseReference(parseReference(repository).gun));
      const entry = trust.targets.signed.delegations?.roles.find((r) => r.name === role);
      if (!entry) {
        out.push({ ...base, ...(wanted ? { hasKey: false } : {}) });
        continue;
      }
      const releases = trust.targets.signed.delegations?.roles.find((r) => r.name === 'targets/releases');
      const own = trust.delegations.find((d) => d.env.role === role);
      out.push({
        ...base,
        signer: true,
        keyIds: [...entry.keyids],
        ...(wanted ? { hasKey: entry.keyids.includes(wanted) } : {}),
        paths: [...(entry.paths ?? [])],
        inReleases: !!releases && entry.keyids.some((k) => releases.keyids.includes(k)),
        signedTags: Object.entries(own?.env.signed.targets ?? {})
          .map(([tag, t]) => ({ tag, digest: `sha256:${Buffer.from(t.hashes.sha256 ?? '', 'base64').toString('hex')}` }))
          .sort((a, b) => (a.tag < b.tag ? -1 : 1)),
      });
    } catch (err) {
      out.push({ ...base, error: toErrorValue(err) });
    }
  }
  return out;
}

export function requireRepositories(repos: string[]): void {
  if (repos.length === 0) throw new TrustDeskError('INVALID_ARGUMENT', 'choose at least one repository');
}
