/**
 * Root key backup: the encrypted key file (notary's export format, the same bytes as in the trust
 * dir), optional m-of-n Shamir shares, and the restore drill that must pass before a key counts as
 * backed up.
 *
 * Decision on shares (docs/ceremony.md): the secret that is split is the *encrypted* PKCS#8 DER of
 * the key, never the plain key. One share reveals nothing (Shamir), m shares rebuild only the
 * encrypted key, which still needs the root passphrase. So a share file or a printed page is never
 * unencrypted key material, and the passphrase should be kept apart from the share holders (or
 * itself split among other people). Splitting uses the audited `shamir-secret-sharing` package.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { combine, split } from 'shamir-secret-sharing';
import { TrustDeskError } from '../base/errors.js';
import { ensureDir, writeFileAtomic } from '../base/fs-atomic.js';
import { canonicalKeyId, type PublicKeyJson } from '../tuf/keys.js';
import { KeyFileStore, type KeyFileEntry } from '../keystore/key-file-store.js';
import { encodePem, parsePemBlocks } from '../keystore/pem-format.js';
import { clearAll, unlockWith, type PassphraseProvider } from '../keystore/passphrase-sources.js';
import { classifyBlock, openBlock, privateKeyId } from '../keystore/pkcs8-encryption.js';
import { qrSvg } from '../base/qr-code.js';
import type { CeremonyLog } from './log.js';

export const SHARE_PREFIX = 'TDSHARE1';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface ShareInfo {
  setId: string;
  index: number;
  threshold: number;
  total: number;
  /** Canonical ID of the root key the shares rebuild. */
  keyId: string;
  /** sha256 (hex, first 16 bytes) of the encrypted DER: lets a combination be checked. */
  digest: string;
  /** The share bytes (index byte included, as the library returns them). */
  payload: Buffer;
}

export function encodeShare(s: ShareInfo): string {
  return [SHARE_PREFIX, s.setId, `${s.index}-of-${s.total}`, `m${s.threshold}`, s.keyId, s.digest, s.payload.toString('base64url')].join(':');
}

export function decodeShare(text: string): ShareInfo {
  const parts = text.trim().split(':');
  const [prefix, setId, pos, m, keyId, digest, payload] = parts;
  const pm = /^(\d+)-of-(\d+)$/.exec(pos ?? '');
  if (
    parts.length !== 7 ||
    prefix !== SHARE_PREFIX ||
    !pm ||
    !/^m\d+$/.test(m ?? '') ||
    !/^[0-9a-f]{64}$/.test(keyId ?? '') ||
    !/^[0-9a-f]{32}$/.test(digest ?? '') ||
    !/^[0-9a-f]{16}$/.test(setId ?? '')
  ) {
    throw new TrustDeskError('SHARES_INVALID', `not a TrustDesk root key share (expected ${SHARE_PREFIX}:set:i-of-n:mK:keyid:digest:data)`);
  }
  return {
    setId: setId!,
    index: Number(pm[1]),
    total: Number(pm[2]),
    threshold: Number(m!.slice(1)),
    keyId: keyId!,
    digest: digest!,
    payload: Buffer.from(payload!, 'base64url'),
  };
}

/** Finds a root key file by ID or unique prefix; it must be stored encrypted. */
export async function findRootKey(trustDir: string, idOrPrefix: string): Promise<KeyFileEntry> {
  const entries = (await new KeyFileStore(trustDir).list()).filter((e) => e.block && e.keyId.startsWith(idOrPrefix.toLowerCase()));
  const roots = entries.filter((e) => e.role === 'root');
  if (roots.length === 0)
    throw new TrustDeskError(
      'KEY_NOT_FOUND',
      `no root key ${idOrPrefix} in ${trustDir}${entries.length ? ` (${entries[0]!.keyId.slice(0, 12)} is a ${entries[0]!.role ?? 'unknown'} key)` : ''}`,
    );
  if (roots.length > 1) throw new TrustDeskError('INVALID_ARGUMENT', `${idOrPrefix} matches ${roots.length} root keys: give more of the ID`);
  return roots[0]!;
}

export interface BackupRequest {
  trustDir: string;
  keyId: string;
  /** A directory on the removable medium. */
  outDir: string;
  shares?: { threshold: number; total: number };
  log?: CeremonyLog;
}

export interface BackupResult {
  keyId: string;
  backupFile: string;
  backupSha256: string;
  shares?: { setId: string; threshold: number; total: number; files: string[]; pages: string[] };
}

export async function exportRootBackup(req: BackupRequest): Promise<BackupResult> {
  const entry = await findRootKey(req.trustDir, req.keyId);
  const block = entry.block!;
  if (classifyBlock(block).encryption !== 'pkcs8-pbes2') {
    throw new TrustDeskError(
      'KEY_FILE_INSECURE',
      `root key ${entry.keyId} is not stored encrypted (PKCS#8 with a passphrase): set one with "trustdesk key passwd ${entry.keyId.slice(0, 12)}" first; nothing is ever written unencrypted`,
    );
  }
  await ensureDir(req.outDir);
  const pem = encodePem({ label: block.label, headers: { role: 'root' }, der: block.der });
  const backupFile = join(req.outDir, `${entry.keyId}.root.key`);
  await writeFileAtomic(backupFile, pem, { mode: 0o600 });
  const result: BackupResult = { keyId: entry.keyId, backupFile, backupSha256: sha256(pem) };
  if (req.shares) {
    const { threshold, total } = req.shares;
    if (!Number.isInteger(threshold) || !Number.isInteger(total) || threshold < 2 || total < threshold || total > 255) {
      throw new TrustDeskError('INVALID_ARGUMENT', `shares must be m-of-n with 2 <= m <= n <= 255, got ${threshold}-of-${total}`);
    }
    const setId = randomBytes(8).toString('hex');
    const digest = sha256(block.der).slice(0, 32);
    const parts = await split(new Uint8Array(block.der), total, threshold);
    const files: string[] = [];
    const pages: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const text = encodeShare({ setId, index: i + 1, threshold, total, keyId: entry.keyId, digest, payload: Buffer.from(parts[i]!) });
      const file = join(req.outDir, `share-${i + 1}-of-${total}.txt`);
      await writeFileAtomic(file, `${text}\n`, { mode: 0o600 });
      const page = join(req.outDir, `share-${i + 1}-of-${total}.html`);
      await writeFileAtomic(page, sharePage(text, i + 1, threshold, total, entry.keyId), { mode: 0o600 });
      files.push(file);
      pages.push(page);
    }
    result.shares = { setId, threshold, total, files, pages };
  }
  await req.log?.append({
    step: 'root-backup-export',
    keyIds: [entry.keyId],
    hashes: { backup: result.backupSha256 },
    details: {
      file: backupFile,
      encrypted: 'pkcs8-pbes2',
      ...(result.shares ? { shares: `${result.shares.threshold}-of-${result.shares.total}`, shareSet: result.shares.setId } : {}),
    },
  });
  return result;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The CSS of a share page, on screen and printed (one A4 sheet per share). */
export const SHARE_SHEET_CSS =
  'body{font-family:sans-serif;margin:2cm}pre{font-size:11pt;line-height:1.5}svg{width:9cm;height:9cm}@media print{.noprint{display:none}}' +
  '@page{size:A4;margin:15mm}@media print{body{margin:0}}.sheet{break-after:page}.sheet:last-child{break-after:auto}';

/** One share's sheet: the QR code, the text to type in if the code cannot be read. */
export function shareSheet(text: string, index: number, threshold: number, total: number, keyId: string): string {
  const chunks = text.match(/.{1,48}/g) ?? [];
  return `<section class="sheet"><h1>TrustDesk root key share ${index} of ${total}</h1>
<p>Root key <code>${escapeHtml(keyId)}</code>. Any <strong>${threshold}</strong> of the ${total} shares, together with the root passphrase, rebuild the key (<code>trustdesk root restore-drill --share FILE…</code>). This share alone reveals nothing; the shares hold the <em>encrypted</em> key only.</p>
${qrSvg(text, `QR code of root key share ${index} of ${total}`)}
<pre>${chunks.map(escapeHtml).join('\n')}</pre>
<p>Keep this page in a sealed envelope, apart from the passphrase. Holder: ____________________ Date: ____________</p>
</section>`;
}

/** One printable page per share: the QR code, the text to type in if the code cannot be read. */
export function sharePage(text: string, index: number, threshold: number, total: number, keyId: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Root key share ${index} of ${total}</title>
<style>${SHARE_SHEET_CSS}</style></head>
<body>${shareSheet(text, index, threshold, total, keyId)}
<p class="noprint">Print this page (or save all pages as one PDF in TrustDesk's backup wizard), check that the QR code scans, then delete this file.</p>
</body></html>
`;
}

/** The share in a share page (the text under its QR code) or a share file; SHARES_INVALID when there is none. */
export function shareOfPage(content: string): ShareInfo & { text: string } {
  const trimmed = content.trim();
  const pre = /<pre>([\s\S]*?)<\/pre>/.exec(content);
  const text = trimmed.startsWith(`${SHARE_PREFIX}:`) ? trimmed : (pre?.[1] ?? '').replace(/\s+/g, '');
  return { ...decodeShare(text), text };
}

/** Rebuilds the encrypted key from shares; refuses fewer than m, mixed sets and wrong shares. */
export async function combineShares(texts: string[]): Promise<{ pem: string; keyId: string; setId: string; used: number }> {
  const shares = texts.map(decodeShare);
  if (shares.length === 0) throw new TrustDeskError('SHARES_INVALID', 'no shares given');
  const first = shares[0]!;
  for (const s of shares) {
    if (
      s.setId !== first.setId ||
      s.keyId !== first.keyId ||
      s.digest !== first.digest ||
      s.threshold !== first.threshold ||
      s.total !== first.total
    ) {
      throw new TrustDeskError(
        'SHARES_INVALID',
        `share ${s.index}-of-${s.total} of set ${s.setId} does not belong to set ${first.setId} (key ${first.keyId.slice(0, 12)}): shares of different backups cannot be combined`,
      );
    }
  }
  const distinct = new Map(shares.map((s) => [s.index, s]));
  if (distinct.size < first.threshold) {
    throw new TrustDeskError(
      'SHARES_INVALID',
      `${distinct.size} distinct share(s) given, ${first.threshold} of ${first.total} are needed to rebuild root key ${first.keyId.slice(0, 12)}`,
    );
  }
  if (distinct.size < 2) throw new TrustDeskError('SHARES_INVALID', 'at least 2 shares are needed');
  const der = Buffer.from(await combine([...distinct.values()].map((s) => new Uint8Array(s.payload))));
  if (sha256(der).slice(0, 32) !== first.digest) {
    throw new TrustDeskError(
      'SHARES_INVALID',
      `the shares do not rebuild root key ${first.keyId.slice(0, 12)}: at least one share is damaged or was altered`,
    );
  }
  return {
    pem: encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers: { role: 'root' }, der }),
    keyId: first.keyId,
    setId: first.setId,
    used: distinct.size,
  };
}

export interface RootUse {
  gun: string;
  /** Canonical IDs of the root role's keys in that root.json. */
  rootKeyIds: string[];
  version: number;
}

/** The canonical root key IDs of a root.json (certificate keys reduced to their bare key). */
export function rootKeyIdsOf(rootRaw: Buffer): { ids: string[]; version: number } {
  const doc = JSON.parse(rootRaw.toString('utf8')) as {
    signed: { version: number; keys: Record<string, PublicKeyJson>; roles: { root: { keyids: string[] } } };
  };
  const ids = doc.signed.roles.root.keyids.map((id) => {
    const k = doc.signed.keys[id];
    try {
      return k ? canonicalKeyId(k) : id;
    } catch {
      return id;
    }
  });
  return { ids, version: doc.signed.version };
}

export interface DrillRequest {
  source: { backupFile: string } | { shares: string[] };
  /** Every repository whose root.json the restored key must match (verified root.json bytes). */
  roots: { gun: string; raw: Buffer }[];
  env: NodeJS.ProcessEnv;
  prompt?: PassphraseProvider;
  trustDir: string;
  /** A new key no repository uses yet: the rebuilt key must have this ID (the key made for the rotation). */
  expectKeyId?: string;
  log?: CeremonyLog;
  now?: () => Date;
}

export interface DrillResult {
  ok: boolean;
  keyId: string;
  from: 'backup' | 'shares';
  repositories: { gun: string; version: number; matches: boolean }[];
  expected?: { keyId: string; matches: boolean };
  recordFile?: string;
}

/** Rebuilds the key in memory, opens it with its passphrase and checks it against every root. */
export async function restoreDrill(req: DrillRequest): Promise<DrillResult> {
  let pem: string;
  let from: 'backup' | 'shares';
  let shareSet: string | undefined;
  if ('backupFile' in req.source) {
    pem = await readFile(req.source.backupFile, 'utf8');
    from = 'backup';
  } else {
    const c = await combineShares(req.source.shares);
    pem = c.pem;
    from = 'shares';
    shareSet = c.setId;
  }
  const blocks = parsePemBlocks(pem);
  if (blocks.length !== 1) throw new TrustDeskError('KEY_FORMAT_INVALID', `the backup holds ${blocks.length} PEM blocks, expected one key`);
  const block = blocks[0]!;
  if (classifyBlock(block).encryption === 'none')
    throw new TrustDeskError('KEY_FILE_INSECURE', 'the backup holds an unencrypted key: it is not a TrustDesk backup; destroy it');
  const { key, passphrase } = await unlockWith(
    { keyId: 'backup', role: 'root' },
    { env: req.env, ...(req.prompt ? { prompt: req.prompt } : {}), prefer: 'docker' },
    (p) => openBlock(block, p),
  );
  clearAll(passphrase);
  const keyId = privateKeyId(key);
  if (req.roots.length === 0 && !req.expectKeyId)
    throw new TrustDeskError(
      'INVALID_ARGUMENT',
      'name at least one repository whose root the drill checks the key against (or, for a new key, --expect-key ID)',
    );
  const repositories = req.roots.map((r) => {
    const { ids, version } = rootKeyIdsOf(r.raw);
    return { gun: r.gun, version, matches: ids.includes(keyId) };
  });
  const expectedOk = !req.expectKeyId || keyId.startsWith(req.expectKeyId.toLowerCase());
  const ok = expectedOk && repositories.every((r) => r.matches);
  const result: DrillResult = {
    ok,
    keyId,
    from,
    repositories,
    ...(req.expectKeyId ? { expected: { keyId: req.expectKeyId, matches: expectedOk } } : {}),
  };
  await req.log?.append({
    step: ok ? 'restore-drill-passed' : 'restore-drill-failed',
    keyIds: [keyId],
    hashes: Object.fromEntries(req.roots.map((r) => [`${r.gun} root.json`, sha256(r.raw)])),
    details: {
      from,
      ...(shareSet ? { shareSet } : {}),
      ...(req.expectKeyId ? { expectedKey: `${req.expectKeyId}: ${expectedOk ? 'matches' : 'DIFFERENT KEY'}` } : {}),
      repositories: repositories.map((r) => `${r.gun} v${r.version}: ${r.matches ? 'matches' : 'DIFFERENT KEY'}`),
    },
  });
  if (ok) {
    const dir = join(req.trustDir, 'ceremony', 'backups');
    await ensureDir(join(req.trustDir, 'ceremony'));
    await ensureDir(dir);
    const recordFile = join(dir, `${keyId}.json`);
    const now = (req.now ?? (() => new Date()))();
    await writeFileAtomic(
      recordFile,
      `${JSON.stringify({ keyId, backedUp: true, drillPassedAt: now.toISOString(), from, ...(shareSet ? { shareSet } : {}), repositories: repositories.map((r) => r.gun) }, null, 2)}\n`,
      { mode: 0o600 },
    );
    result.recordFile = recordFile;
  }
  return result;
}

/** Whether a restore drill of this key passed on this machine (the wizard's "backed up"). */
export async function backupRecord(trustDir: string, keyId: string): Promise<{ drillPassedAt: string } | undefined> {
  try {
    const r = JSON.parse(await readFile(join(trustDir, 'ceremony', 'backups', `${keyId}.json`), 'utf8')) as {
      backedUp?: boolean;
      drillPassedAt?: string;
    };
    return r.backedUp && r.drillPassedAt ? { drillPassedAt: r.drillPassedAt } : undefined;
  } catch {
    return undefined;
  }
}
