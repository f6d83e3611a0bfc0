/** Which PKCS#11 module holds a token: `--module` and `--token LABEL [--serial S]` as a location. */
import { TrustDeskError } from '../../base/errors.js';
import { discoverModules } from './modules.js';
import type { TokenAccess, TokenLocation } from './tokens.js';

/** A token as named by the user: its label, optionally its module and serial. */
export interface TokenTarget {
  label: string;
  module?: string;
  serial?: string;
}

/**
 * Resolves a token target into a location: without a module, the first module found that has a
 * token with that label (else the first module found, so the error names it).
 */
export async function locateToken(access: TokenAccess, target: TokenTarget, env: NodeJS.ProcessEnv, settings: string[] = []): Promise<TokenLocation> {
  const { module, label, serial } = target;
  const token = { label, ...(serial ? { serial } : {}) };
  if (module) return { module, token };
  const found = discoverModules({ env, extra: settings }).filter((c) => c.exists);
  if (found.length === 0)
    throw new TrustDeskError(
      'TOKEN_MODULE_ERROR',
      'no PKCS#11 module found: give one with --module PATH (a YubiKey: libykcs11.so) or TRUSTDESK_PKCS11_MODULE',
    );
  for (const c of found) {
    try {
      const r = await access.client.list(c.path);
      if (r.tokens.some((t) => t.label === label.trim() && (!serial || t.serial === serial))) return { module: c.path, token };
    } catch {
      /* a module that does not load is skipped here; the doctor says why */
    }
  }
  throw new TrustDeskError(
    'TOKEN_NOT_FOUND',
    `no token "${label}"${serial ? ` with serial ${serial}` : ''} in ${found.map((c) => c.path).join(', ')}: plug it in, or give --module PATH`,
  );
}
