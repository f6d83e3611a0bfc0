/**
 * Which keys hardware tokens hold: the public keys and certificates on every token of the configured
 * PKCS#11 modules (a YubiKey's ykcs11, OpenSC, SoftHSM), read with OpenSC's `pkcs11-tool` without
 * logging in (no PIN), as canonical key IDs, so the app can say "held by a hardware token".
 * Nothing private is read; a missing tool or module becomes a warning, not an error.
 */
import { execFile } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyId, publicKeyJson } from './keys.js';

export interface TokenKeys {
  /** Canonical (bare-key) IDs of the public keys found on tokens. */
  keyIds: Set<string>;
  warnings: string[];
}

export interface TokenScanOptions {
  env?: NodeJS.ProcessEnv;
  /** The pkcs11-tool binary (default: from PATH). */
  tool?: string;
  timeoutMs?: number;
}

function run(tool: string, args: string[], opts: TokenScanOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 10_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${tool} ${args.slice(0, 3).join(' ')}: ${(stderr || err.message).trim().split('\n')[0]}`));
      else resolve(stdout);
    });
  });
}

/** Slots of `--list-token-slots` (`Slot 0 (0x3b20d8b6): …`) whose token is initialised. */
export function parseSlots(out: string): string[] {
  const slots: string[] = [];
  for (const block of out.split(/^(?=Slot \d+ \()/m)) {
    const id = /^Slot \d+ \((0x[0-9a-f]+)\)/i.exec(block)?.[1];
    if (id && !/token state:\s*uninitialized/i.test(block)) slots.push(id);
  }
  return slots;
}

/** Object IDs (hex) of `--list-objects` output, per object type. */
export function parseObjects(out: string): { type: 'pubkey' | 'cert'; id: string }[] {
  const found: { type: 'pubkey' | 'cert'; id: string }[] = [];
  let type: 'pubkey' | 'cert' | undefined;
  for (const line of out.split('\n')) {
    if (/^Public Key Object/i.test(line)) type = 'pubkey';
    else if (/^Certificate Object/i.test(line)) type = 'cert';
    else if (/^\S/.test(line)) type = undefined;
    const id = /^\s+ID:\s+([0-9a-f]+)\s*$/i.exec(line)?.[1];
    if (type && id) found.push({ type, id: id.toLowerCase() });
  }
  return found;
}

/** The canonical key ID of a DER public key (SPKI) or certificate read from a token. */
export function canonicalIdOfDer(der: Buffer, type: 'pubkey' | 'cert'): string {
  const pub = type === 'cert' ? new X509Certificate(der).publicKey : createPublicKey({ key: der, format: 'der', type: 'spki' });
  return keyId(publicKeyJson(pub));
}

export async function tokenKeyIds(modules: string[], opts: TokenScanOptions = {}): Promise<TokenKeys> {
  const tool = opts.tool ?? 'pkcs11-tool';
  const keyIds = new Set<string>();
  const warnings: string[] = [];
  if (modules.length === 0) return { keyIds, warnings };
  const dir = await mkdtemp(join(tmpdir(), 'trustdesk-token-'));
  try {
    for (const module of modules) {
      let slots: string[];
      try {
        slots = parseSlots(await run(tool, ['--module', module, '--list-token-slots'], opts));
      } catch (err) {
        warnings.push(`hardware tokens: cannot use PKCS#11 module ${module}: ${(err as Error).message}`);
        continue;
      }
      for (const slot of slots) {
        for (const type of ['pubkey', 'cert'] as const) {
          let objects;
          try {
            objects = parseObjects(await run(tool, ['--module', module, '--slot', slot, '--list-objects', '--type', type], opts));
          } catch (err) {
            warnings.push(`hardware tokens: cannot list ${type} objects in slot ${slot}: ${(err as Error).message}`);
            continue;
          }
          for (const o of objects.filter((x) => x.type === type)) {
            const file = join(dir, `${slot}-${type}-${o.id}.der`);
            try {
              await run(tool, ['--module', module, '--slot', slot, '--read-object', '--type', type, '--id', o.id, '--output-file', file], opts);
              keyIds.add(canonicalIdOfDer(await readFile(file), type));
            } catch (err) {
              warnings.push(`hardware tokens: cannot read ${type} ${o.id} in slot ${slot}: ${(err as Error).message}`);
            }
          }
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { keyIds, warnings };
}
