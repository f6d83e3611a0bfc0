/**
 * `trustdesk inspect`: the same answer as `docker trust inspect`, byte for byte, in JSON and --pretty.
 * Semantics and layout: docker/cli `cmd/docker-trust/trust/inspect.go`, `inspect_pretty.go`,
 * `helpers.go`; the docker-trust-inspect files of tests/fixtures/samples are the real CLI's output.
 */
import { goJsonIndent } from '../../tuf/canonical-json.js';
import { tabulate, naturalCompare } from '../../base/text-table.js';
import { releasedTargets, delegationRoles, RELEASES_ROLE } from '../../tuf/repository-view.js';
import type { RepositoryTrust } from '../../tuf/repository-updater.js';

export interface InspectResult {
  Name: string;
  SignedTags: { SignedTag: string; Digest: string; Signers: string[] }[];
  Signers: { Name: string; Keys: { ID: string }[] }[];
  AdministrativeKeys: { Name: 'Root' | 'Repository'; Keys: { ID: string }[] }[];
}

const REPO_ADMIN = 'Repo Admin';

/** Builds docker's inspect structure for one argument (`name` exactly as typed, tag optional). */
export function inspectResult(trust: RepositoryTrust, name: string, tag?: string): InspectResult {
  const rows = releasedTargets(trust, tag)
    .map((r) => ({ SignedTag: r.name, Digest: r.sha256, Signers: r.signers.length ? r.signers : [REPO_ADMIN] }))
    .sort((a, b) => naturalCompare(a.SignedTag, b.SignedTag));
  const signers = new Map<string, string[]>();
  for (const d of delegationRoles(trust)) {
    if (d.role === RELEASES_ROLE) continue;
    signers.set(d.name, d.keyIds);
  }
  const Signers = [...signers.entries()]
    .map(([n, ids]) => ({ Name: n, Keys: ids.map((ID) => ({ ID })) }))
    .sort((a, b) => (a.Name < b.Name ? 1 : a.Name > b.Name ? -1 : 0));
  const ids = (role: 'root' | 'targets') => trust.root.signed.roles[role].keyids.map((ID) => ({ ID }));
  return {
    Name: name,
    SignedTags: rows,
    Signers,
    AdministrativeKeys: [
      { Name: 'Root', Keys: ids('root') },
      { Name: 'Repository', Keys: ids('targets') },
    ],
  };
}

/** JSON as docker prints it: Go MarshalIndent, 4 spaces, HTML-escaped strings, newline at the end. */
export function formatInspectJson(results: InspectResult[]): string {
  return `${goJsonIndent(results)}\n`;
}

/** `--pretty` text for one argument. */
export function formatInspectPretty(r: InspectResult): string {
  let out = '';
  if (r.SignedTags.length === 0) {
    out += `\nNo signatures for ${r.Name}\n\n`;
  } else {
    out += `\nSignatures for ${r.Name}\n\n`;
    out += tabulate([
      ['SIGNED TAG', 'DIGEST', 'SIGNERS'],
      ...r.SignedTags.map((t) => [
        t.SignedTag,
        t.Digest,
        t.Signers.map((s) => (s === REPO_ADMIN ? `(${REPO_ADMIN})` : s))
          .sort()
          .join(', '),
      ]),
    ]);
  }
  if (r.Signers.length > 0) {
    out += `\nList of signers and their keys for ${r.Name}\n\n`;
    const signerRows = [...r.Signers]
      .sort((a, b) => naturalCompare(a.Name, b.Name))
      .map((s) => [
        s.Name,
        s.Keys.map((k) => k.ID.slice(0, 12))
          .sort()
          .join(', '),
      ]);
    out += tabulate([['SIGNER', 'KEYS'], ...signerRows]);
  }
  const admin = (n: 'Root' | 'Repository') =>
    (r.AdministrativeKeys.find((a) => a.Name === n)?.Keys ?? [])
      .map((k) => k.ID)
      .sort()
      .join(', ');
  out += `\nAdministrative keys for ${r.Name}\n\n`;
  out += `  Repository Key:\t${admin('Repository')}\n`;
  out += `  Root Key:\t${admin('Root')}\n`;
  return out;
}
