/**
 * Parity between content trust and the successor policy: per repository and tag, would the cosign
 * policy accept exactly what content trust accepted?
 *
 * Content trust accepts a tag when its verdict is `signed` (released signature verifies and the registry
 * serves that digest; `trustdesk verify`'s rule). The successor policy accepts it when at least `count`
 * of the migrated keys have a valid cosign signature for the registry's digest whose payload names this
 * repository (`signedIdentity: matchRepository`). Each difference is named so the switch-over can be
 * planned.
 */
import type { Verdict } from '../tuf/verdicts.js';

export type ParityOutcome =
  /** Both accept. */
  | 'same'
  /** Both refuse. */
  | 'refused-by-both'
  /** Content trust accepts; only delegations whose keys were not migrated signed it. */
  | 'signer-not-migrated'
  /** Content trust accepts; no (or too few) cosign signatures by the migrated keys yet. */
  | 'no-cosign-signature-yet'
  /** The cosign policy accepts a tag content trust refused. */
  | 'cosign-only';

export const PARITY_OUTCOMES: ParityOutcome[] = ['same', 'refused-by-both', 'signer-not-migrated', 'no-cosign-signature-yet', 'cosign-only'];

export interface TagParity {
  repository: string;
  tag: string;
  /** The registry's digest (absent for a tag signed but not in the registry). */
  digest?: string;
  dct: { accepts: boolean; verdict: Verdict; signers: string[] };
  cosign: { accepts: boolean; keys: string[]; detail: string };
  outcome: ParityOutcome;
  detail: string;
}

export interface ParityInput {
  repository: string;
  tag: string;
  digest?: string;
  dctVerdict: Verdict;
  dctSigners: string[];
  /** Names of the migrated keys with a valid cosign signature for this repository and digest. */
  cosignKeys: string[];
  /** Set when the cosign signatures could not be read. */
  cosignError?: string;
  count: number;
  /** DCT signer names whose key was migrated (empty when no key maps to a DCT signer). */
  migratedSigners: string[];
  /** Every DCT delegation signer of the repository. */
  signers: string[];
}

export function tagParity(i: ParityInput): TagParity {
  const dctAccepts = i.dctVerdict === 'signed';
  const cosignAccepts = !i.cosignError && i.cosignKeys.length >= i.count;
  const cosignDetail = i.cosignError
    ? `cosign signatures could not be read: ${i.cosignError}`
    : i.cosignKeys.length === 0
      ? 'no cosign signature by a migrated key'
      : `signed by ${i.cosignKeys.join(', ')}${i.cosignKeys.length < i.count ? ` (needs ${i.count})` : ''}`;
  let outcome: ParityOutcome;
  let detail: string;
  if (dctAccepts && cosignAccepts) {
    outcome = 'same';
    detail = 'accepted by both';
  } else if (!dctAccepts && !cosignAccepts) {
    outcome = 'refused-by-both';
    detail = `refused by both (content trust: ${i.dctVerdict})`;
  } else if (dctAccepts) {
    const delegated = i.dctSigners.filter((s) => i.signers.includes(s));
    const onlyUnmigrated =
      i.migratedSigners.length > 0 && delegated.length === i.dctSigners.length && delegated.every((s) => !i.migratedSigners.includes(s));
    if (onlyUnmigrated) {
      outcome = 'signer-not-migrated';
      detail = `signed in content trust only by ${delegated.join(', ')}, whose key was not migrated: sign it with a migrated key or migrate that signer's key`;
    } else {
      outcome = 'no-cosign-signature-yet';
      detail = `signed in content trust but ${cosignDetail}: run trustdesk migrate cosign before switching`;
    }
  } else {
    outcome = 'cosign-only';
    detail = `the cosign policy would accept it, content trust refused it (${i.dctVerdict})`;
  }
  return {
    repository: i.repository,
    tag: i.tag,
    ...(i.digest ? { digest: i.digest } : {}),
    dct: { accepts: dctAccepts, verdict: i.dctVerdict, signers: i.dctSigners },
    cosign: { accepts: cosignAccepts, keys: i.cosignKeys, detail: cosignDetail },
    outcome,
    detail,
  };
}

export function parityCounts(rows: TagParity[]): Record<ParityOutcome, number> {
  const counts = Object.fromEntries(PARITY_OUTCOMES.map((o) => [o, 0])) as Record<ParityOutcome, number>;
  for (const r of rows) counts[r.outcome]++;
  return counts;
}
