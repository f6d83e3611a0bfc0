/**
 * The engine's content-trust policy as Mirantis Container Runtime / Docker Enterprise engines read it
 * from daemon.json. Sources: Mirantis "Runtime Enforcement with Docker Content Trust"
 * (https://docs.mirantis.com/mcr/current/security/content-trust/runtime-enforcement.html: enforcement
 * is MCR-only and covers pull, run, and build's FROM; the copy we could consult held only that
 * introduction) and the option table of Docker EE's daemon.json `content-trust` section (mode,
 * trust-pinning root-keys and library/official images, allow-expired-trust-cache), as issue 10 states
 * it. What this module relies on:
 *
 *   "content-trust": {
 *     "trust-pinning": {
 *       "root-keys": { "<image glob>": ["<canonical root key ID>", ...] },
 *       "official-images": true            (older docs: "library-images")
 *     },
 *     "mode": "disabled" | "permissive" | "enforced",
 *     "allow-expired-trust-cache": true
 *   }
 *
 * - mode: `disabled` (also when absent) turns verification off and the rest is ignored;
 *   `permissive` verifies and only logs failures; `enforced` refuses what does not verify.
 * - root-keys: image globs mapped to root key IDs. The IDs are **canonical** IDs: the ID of the bare
 *   root public key (`notary key list`, the private key file name), not the per-repository ID of the
 *   root certificate that root.json and `docker trust inspect` show (notary-metadata.md §4). When
 *   several globs match a name, the longest glob wins.
 * - official-images: Docker Official Images (docker.io/library/…) are trusted by Docker's own root keys.
 * - allow-expired-trust-cache: cached trust metadata that has expired is used only when the trust
 *   server cannot be reached or has no trust data for the image (edge machines that are often
 *   offline); the documentation warns this gives no freeze-attack protection.
 *
 * Our reading where the documentation says nothing precise (stated in the README too): in
 * `enforced`/`permissive` an image whose name matches no glob, and is not an official image with
 * official-images set, has no pinned root and is refused (`not-pinned`); `*` matches any run of
 * characters (slashes included) and `?` one character; a glob without a registry is normalised the way
 * image names are (`myorg/*` → `docker.io/myorg/*`, `nginx` → `docker.io/library/nginx`).
 */
import { readFile } from 'node:fs/promises';
import { TrustDeskError } from '../base/errors.js';

export type TrustMode = 'disabled' | 'permissive' | 'enforced';
export const TRUST_MODES: TrustMode[] = ['disabled', 'permissive', 'enforced'];

export interface RootKeysRule {
  /** The glob as written in the file. */
  glob: string;
  /** The glob normalised to a full name (registry included); what is matched. */
  pattern: string;
  keyIds: string[];
}

export interface DaemonPolicy {
  mode: TrustMode;
  rootKeys: RootKeysRule[];
  officialImages: boolean;
  allowExpiredTrustCache: boolean;
  /**
   * Not from a daemon.json: TrustDesk's default when no --policy is given, i.e. what a client with
   * DOCKER_CONTENT_TRUST=1 does (enforced, trust on first use, no pins).
   */
  trustOnFirstUse?: boolean;
}

export interface PolicyProblem {
  /** JSON path of the offending value, e.g. `content-trust.trust-pinning.root-keys["x"][0]`. */
  path: string;
  message: string;
}

export interface ParsedPolicy {
  policy: DaemonPolicy;
  problems: PolicyProblem[];
}

/** What `trustdesk audit` assumes without --policy: docker's client-side DOCKER_CONTENT_TRUST=1. */
export const CLIENT_DEFAULT_POLICY: DaemonPolicy = Object.freeze({
  mode: 'enforced',
  rootKeys: [],
  officialImages: false,
  allowExpiredTrustCache: false,
  trustOnFirstUse: true,
}) as DaemonPolicy;

const HEX64 = /^[0-9a-f]{64}$/;
const GLOB_CHARS = /^[a-z0-9A-Z._\-/:*?[\]]+$/;
const PATH_GLOB_COMPONENT = /^[a-z0-9._\-*?]+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A glob's first component names a registry when it has "." or ":" or is "localhost" (as in image names). */
function hasRegistry(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
}

/** Validates a glob and normalises it to a full name pattern; returns a problem message instead when bad. */
export function normaliseGlob(glob: string): { pattern: string } | { problem: string } {
  if (glob.length === 0) return { problem: 'empty glob' };
  if (/\s/.test(glob)) return { problem: 'a glob must not contain whitespace' };
  if (glob.includes('@')) return { problem: 'a glob names repositories, not digests ("@" is not allowed)' };
  if (!GLOB_CHARS.test(glob)) return { problem: 'only name characters and the wildcards "*" and "?" are allowed' };
  const parts = glob.split('/');
  const first = parts[0]!;
  let registry: string | undefined;
  let path: string[];
  if (parts.length > 1 && hasRegistry(first)) {
    registry = first;
    path = parts.slice(1);
  } else {
    path = parts;
  }
  if (registry !== undefined) {
    if (registry.includes('[') !== registry.includes(']')) return { problem: `unbalanced "[" in "${registry}"` };
    if (!/^(?:[a-zA-Z0-9.\-*?]+|\[[0-9a-fA-F:]+\])(?::(?:[0-9]+|\*))?$/.test(registry))
      return { problem: `"${registry}" is not a registry host[:port]` };
  }
  for (const c of path) {
    if (c.length === 0) return { problem: 'a glob has an empty path component ("//" or a trailing "/")' };
    if (c.includes(':')) return { problem: `"${c}": a glob names repositories, not tags (":" is not allowed after the registry)` };
    if (c.includes('[') || c.includes(']')) return { problem: `"${c}": character classes ("[…]") are not supported` };
    if (!PATH_GLOB_COMPONENT.test(c)) return { problem: `"${c}" must be lowercase (a-z, 0-9, ".", "_", "-", wildcards)` };
  }
  if (registry === undefined) {
    // A bare "*" (or a first component that is only wildcards) can also stand for a registry: keep it.
    if (/^[*?]+$/.test(first)) return { pattern: glob };
    registry = 'docker.io';
    if (path.length === 1 && !/[*?]/.test(path[0]!)) path = ['library', path[0]!];
  }
  if (registry === 'index.docker.io') registry = 'docker.io';
  return { pattern: `${registry}/${path.join('/')}` };
}

/** `*` any run of characters (slashes included), `?` one character, everything else literally. */
export function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|\\[\]]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(name);
}

const TOP_KEYS = ['trust-pinning', 'mode', 'allow-expired-trust-cache'];
const PINNING_KEYS = ['root-keys', 'official-images', 'library-images'];

/**
 * Parses and validates the `content-trust` section of a daemon.json object (the whole daemon.json or
 * only the section). Every problem is collected; the policy returned holds what was valid.
 */
export function parseDaemonPolicy(json: unknown): ParsedPolicy {
  const problems: PolicyProblem[] = [];
  const policy: DaemonPolicy = { mode: 'disabled', rootKeys: [], officialImages: false, allowExpiredTrustCache: false };
  if (!isObject(json)) {
    problems.push({ path: '', message: 'daemon.json must be a JSON object' });
    return { policy, problems };
  }
  // A whole daemon.json (other engine settings are not ours to judge) or just the section.
  const isSection = !('content-trust' in json) && Object.keys(json).some((k) => TOP_KEYS.includes(k));
  const section = isSection ? json : json['content-trust'];
  const at = isSection ? '' : 'content-trust.';
  if (section === undefined) return { policy, problems };
  if (!isObject(section)) {
    problems.push({ path: 'content-trust', message: 'must be an object' });
    return { policy, problems };
  }
  for (const k of Object.keys(section)) {
    if (!TOP_KEYS.includes(k)) problems.push({ path: `${at}${k}`, message: `unknown key "${k}" (known: ${TOP_KEYS.join(', ')})` });
  }
  if (section.mode !== undefined) {
    if (typeof section.mode === 'string' && (TRUST_MODES as string[]).includes(section.mode)) policy.mode = section.mode as TrustMode;
    else problems.push({ path: `${at}mode`, message: `mode must be one of ${TRUST_MODES.join(', ')}, got ${JSON.stringify(section.mode)}` });
  }
  const expired = section['allow-expired-trust-cache'];
  if (expired !== undefined) {
    if (typeof expired === 'boolean') policy.allowExpiredTrustCache = expired;
    else problems.push({ path: `${at}allow-expired-trust-cache`, message: 'must be true or false' });
  }
  const pinning = section['trust-pinning'];
  if (pinning !== undefined) {
    if (!isObject(pinning)) {
      problems.push({ path: `${at}trust-pinning`, message: 'must be an object' });
    } else {
      for (const k of Object.keys(pinning)) {
        if (!PINNING_KEYS.includes(k))
          problems.push({ path: `${at}trust-pinning.${k}`, message: `unknown key "${k}" (known: root-keys, official-images)` });
      }
      for (const k of ['official-images', 'library-images']) {
        const v = pinning[k];
        if (v === undefined) continue;
        if (typeof v === 'boolean') policy.officialImages ||= v;
        else problems.push({ path: `${at}trust-pinning.${k}`, message: 'must be true or false' });
      }
      const rootKeys = pinning['root-keys'];
      if (rootKeys !== undefined) {
        if (!isObject(rootKeys)) {
          problems.push({ path: `${at}trust-pinning.root-keys`, message: 'must be an object of image globs to lists of root key IDs' });
        } else {
          const seen = new Map<string, string>();
          for (const [glob, ids] of Object.entries(rootKeys)) {
            const p = `${at}trust-pinning.root-keys[${JSON.stringify(glob)}]`;
            const n = normaliseGlob(glob);
            if ('problem' in n) {
              problems.push({ path: p, message: `bad glob "${glob}": ${n.problem}` });
              continue;
            }
            const other = seen.get(n.pattern);
            if (other !== undefined) problems.push({ path: p, message: `"${glob}" and "${other}" are the same glob (${n.pattern})` });
            seen.set(n.pattern, glob);
            if (!Array.isArray(ids) || ids.length === 0) {
              problems.push({ path: p, message: 'must be a non-empty list of root key IDs' });
              continue;
            }
            const good: string[] = [];
            ids.forEach((id, i) => {
              if (typeof id === 'string' && HEX64.test(id)) good.push(id);
              else problems.push({ path: `${p}[${i}]`, message: `${JSON.stringify(id)} is not a root key ID (64 lowercase hex characters)` });
            });
            if (good.length) policy.rootKeys.push({ glob, pattern: n.pattern, keyIds: good });
          }
        }
      }
    }
  }
  return { policy, problems };
}

/** Reads daemon.json; a file that is not JSON is a CONFIG_INVALID error, policy problems are returned. */
export async function readDaemonPolicy(file: string): Promise<ParsedPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TrustDeskError('CONFIG_INVALID', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseDaemonPolicyText(text, file);
}

export function parseDaemonPolicyText(text: string, file = 'daemon.json'): ParsedPolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TrustDeskError('CONFIG_INVALID', `${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseDaemonPolicy(json);
}

export type PinRule = { kind: 'root-keys'; rule: RootKeysRule } | { kind: 'official' } | { kind: 'tofu' } | { kind: 'none' };

export const OFFICIAL_IMAGES_PREFIX = 'docker.io/library/';

/** Which rule pins the root of a repository (GUN): the longest matching glob, else official images. */
export function pinRuleFor(policy: DaemonPolicy, gun: string): PinRule {
  let best: RootKeysRule | undefined;
  for (const r of policy.rootKeys) {
    if (globMatches(r.pattern, gun) && (!best || r.pattern.length > best.pattern.length)) best = r;
  }
  if (best) return { kind: 'root-keys', rule: best };
  if (policy.officialImages && gun.startsWith(OFFICIAL_IMAGES_PREFIX) && !gun.slice(OFFICIAL_IMAGES_PREFIX.length).includes('/'))
    return { kind: 'official' };
  if (policy.trustOnFirstUse) return { kind: 'tofu' };
  return { kind: 'none' };
}

/** The content-trust section as daemon.json spells it (for writing an edited policy back). */
export function policyToJson(policy: DaemonPolicy): Record<string, unknown> {
  const pinning: Record<string, unknown> = {};
  if (policy.rootKeys.length) pinning['root-keys'] = Object.fromEntries(policy.rootKeys.map((r) => [r.glob, [...r.keyIds]]));
  if (policy.officialImages) pinning['official-images'] = true;
  const out: Record<string, unknown> = {};
  if (Object.keys(pinning).length) out['trust-pinning'] = pinning;
  out.mode = policy.mode;
  if (policy.allowExpiredTrustCache) out['allow-expired-trust-cache'] = true;
  return out;
}

/**
 * Pins `gun` (exactly, as its own glob) to canonical root key IDs in a daemon.json text, keeping every
 * other setting of the file; returns the new text. A glob of the same name is replaced.
 */
export function pinInDaemonJson(text: string, gun: string, keyIds: string[]): string {
  let json: Record<string, unknown> = {};
  if (text.trim()) {
    const parsed = JSON.parse(text) as unknown;
    if (!isObject(parsed)) throw new TrustDeskError('CONFIG_INVALID', 'daemon.json must be a JSON object');
    json = parsed;
  }
  const ct = isObject(json['content-trust']) ? (json['content-trust'] as Record<string, unknown>) : {};
  const pinning = isObject(ct['trust-pinning']) ? (ct['trust-pinning'] as Record<string, unknown>) : {};
  const rootKeys = isObject(pinning['root-keys']) ? (pinning['root-keys'] as Record<string, unknown>) : {};
  for (const g of Object.keys(rootKeys)) {
    const n = normaliseGlob(g);
    if ('pattern' in n && n.pattern === gun && g !== gun) delete rootKeys[g];
  }
  rootKeys[gun] = keyIds;
  pinning['root-keys'] = rootKeys;
  ct['trust-pinning'] = pinning;
  if (ct.mode === undefined) ct.mode = 'enforced';
  json['content-trust'] = ct;
  return `${JSON.stringify(json, null, 2)}\n`;
}
