/** Human text for `trustdesk status`: a summary line, the tags table, roles and their expiry. */
import { tabulate } from '../core/base/text-table.js';
import type { RepositoryStatus } from '../core/tuf/verdicts.js';

function short(digest?: string): string {
  return digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '-';
}

function inDays(iso: string, now: Date): string {
  const days = Math.floor((new Date(iso).getTime() - now.getTime()) / 86_400_000);
  return days < 0 ? `EXPIRED ${-days}d ago` : `in ${days}d`;
}

/**
 * "valid as of" and "expired since" lines when the data was verified at another time than now (the
 * cache's or an archive's time), or something has expired since.
 */
export function asOfText(s: { verifiedAt?: string; expiredSince?: { role: string; expires: string }[] }, now: Date, always = false): string {
  let out = '';
  const at = s.verifiedAt ? new Date(s.verifiedAt) : undefined;
  if (at && (always || Math.abs(now.getTime() - at.getTime()) > 60_000)) out += `  valid as of ${s.verifiedAt}\n`;
  for (const e of s.expiredSince ?? []) out += `  expired since: ${e.role} on ${e.expires}\n`;
  return out;
}

export function formatStatusText(s: RepositoryStatus, now: Date): string {
  const c = s.counts;
  let out = `\n${s.name}  (${s.gun})\n`;
  out += `  ${c.signed} signed, ${c.unsigned} unsigned, ${c['digest-mismatch']} digest mismatch, ${c['signed-not-in-registry']} signed but not in registry\n`;
  if (s.archive) out += `  trust data from the archive ${s.archive.file}, archived at ${s.archive.archivedAt}\n`;
  else if (s.source === 'cache') out += `  trust data from the cache${s.cachedAt ? `, cached as of ${s.cachedAt}` : ''}\n`;
  out += asOfText(s, now, s.source === 'cache');
  if (s.pin && s.pin.kind !== 'tofu')
    out += `  root pinned (${s.pin.kind} ${s.pin.pattern}): ${s.pin.keyIds.map((k) => k.slice(0, 12)).join(', ')}\n`;
  for (const w of s.warnings) out += `  warning: ${w}\n`;
  out += '\n';
  if (s.tags.length === 0) out += '  no tags\n';
  else {
    out += tabulate([
      ['TAG', 'VERDICT', 'REGISTRY', 'SIGNED', 'SIGNERS'],
      ...s.tags.map((t) => [t.tag, t.verdict, short(t.registryDigest), short(t.signedDigest), t.signers.join(', ') || '-']),
    ]);
  }
  if (s.roles.length) {
    out += '\n';
    out += tabulate([['ROLE', 'VERSION', 'EXPIRES', ''], ...s.roles.map((r) => [r.role, String(r.version), r.expires, inDays(r.expires, now)])]);
  }
  return out;
}
