/**
 * Which keys hardware tokens hold: the public keys and certificates on every token of the configured
 * PKCS#11 modules (a YubiKey's ykcs11, OpenSC, SoftHSM), read through the PKCS#11 worker process
 * (pkcs11/worker.ts) without logging in (no PIN), as canonical key IDs, so the app can say "held by
 * a hardware token". Token keys recorded in the trust dir count too. Nothing private is read; a
 * module that is missing, crashes or hangs becomes a warning, not an error.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { keyId, publicKeyJson } from '../../tuf/keys.js';
import { Pkcs11Client, forkTransport, type TransportFactory } from './client.js';
import { TokenKeyStore } from './tokens.js';

export interface TokenKeys {
  /** Canonical (bare-key) IDs of the public keys found on tokens. */
  keyIds: Set<string>;
  warnings: string[];
}

export interface TokenScanOptions {
  env?: NodeJS.ProcessEnv;
  /** How to start the worker (default: child_process.fork; the app: an Electron utilityProcess). */
  transport?: TransportFactory;
  /** A trust dir whose token key records are added (keys on tokens not plugged in). */
  trustDir?: string;
}

/** The canonical key ID of a DER public key (SPKI) or certificate read from a token. */
export function canonicalIdOfDer(der: Buffer, type: 'pubkey' | 'cert'): string {
  const pub = type === 'cert' ? new X509Certificate(der).publicKey : createPublicKey({ key: der, format: 'der', type: 'spki' });
  return keyId(publicKeyJson(pub));
}

export async function tokenKeyIds(modules: string[], opts: TokenScanOptions = {}): Promise<TokenKeys> {
  const keyIds = new Set<string>();
  const warnings: string[] = [];
  if (opts.trustDir) for (const r of await new TokenKeyStore(opts.trustDir).list()) keyIds.add(r.keyId);
  if (modules.length === 0) return { keyIds, warnings };
  const client = new Pkcs11Client(opts.transport ?? forkTransport(undefined, opts.env ?? process.env));
  try {
    for (const module of modules) {
      let tokens;
      try {
        tokens = (await client.list(module)).tokens.filter((t) => t.flags.initialized);
      } catch (err) {
        warnings.push(`hardware tokens: cannot use PKCS#11 module ${module}: ${(err as Error).message}`);
        continue;
      }
      for (const t of tokens) {
        try {
          for (const o of await client.objects(module, { label: t.label, ...(t.serial ? { serial: t.serial } : {}) })) {
            try {
              if (o.kind === 'public-key' && o.spki) keyIds.add(canonicalIdOfDer(Buffer.from(o.spki, 'base64'), 'pubkey'));
              if (o.kind === 'certificate' && o.der) keyIds.add(canonicalIdOfDer(Buffer.from(o.der, 'base64'), 'cert'));
            } catch {
              warnings.push(`hardware tokens: cannot read ${o.kind} ${o.id} on token "${t.label}"`);
            }
          }
        } catch (err) {
          warnings.push(`hardware tokens: cannot list the objects of token "${t.label}": ${(err as Error).message}`);
        }
      }
    }
  } finally {
    client.close();
  }
  return { keyIds, warnings };
}
