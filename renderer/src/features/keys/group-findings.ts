/**
 * The Keys view's findings grouped by key (issue 15): the same finding about the same keys in several
 * repositories ("holds no targets key", "below threshold", a stale key) is one entry with the list of
 * repositories, instead of one bar per repository.
 */
import type { FindingView } from '../../../../shared/ipc/keys-contract';

export interface FindingGroup {
  severity: FindingView['severity'];
  kind: string;
  role?: string;
  keyIds: string[];
  /** The message without its repository prefix (the first finding's). */
  message: string;
  repositories: string[];
}

const withoutRepository = (f: FindingView) => (f.gun && f.message.startsWith(`${f.gun}: `) ? f.message.slice(f.gun.length + 2) : f.message);

export function groupFindings(findings: readonly FindingView[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const message = withoutRepository(f);
    // one key per finding kind, role, keys and message once the repository is left out
    const key = JSON.stringify([f.severity, f.kind, f.role ?? '', [...f.keyIds].sort(), f.keyIds.length ? '' : message]);
    const g = groups.get(key);
    if (g) {
      if (f.gun && !g.repositories.includes(f.gun)) g.repositories.push(f.gun);
    } else {
      groups.set(key, {
        severity: f.severity,
        kind: f.kind,
        ...(f.role ? { role: f.role } : {}),
        keyIds: [...f.keyIds],
        message,
        repositories: f.gun ? [f.gun] : [],
      });
    }
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...groups.values()].sort((a, b) => rank[a.severity] - rank[b.severity]);
}
