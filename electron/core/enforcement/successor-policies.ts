/**
 * Successor policies: what Docker Content Trust enforced (pull only what these repositories' signers
 * signed), written for the tools that enforce cosign signatures instead:
 *  - containers-policy.json(5) + containers-registries.d(5) (podman, CRI-O, skopeo, buildah):
 *    a `sigstoreSigned` requirement per scope with `keyData` (base64 of the PEM text) and
 *    `signedIdentity: matchRepository` (a cosign payload names a repository only);
 *  - a Kyverno `ClusterPolicy` (`kyverno.io/v1`, `verifyImages`) and an `ImageValidatingPolicy`
 *    (`policies.kyverno.io/v1`);
 *  - a Sigstore policy-controller `ClusterImagePolicy` (`policy.sigstore.dev/v1beta1`);
 *  - a CI snippet that replaces `DOCKER_CONTENT_TRUST=1 docker pull`.
 *
 * Migrated signatures are key-only cosign classic signatures with no transparency-log entry, so every
 * output turns log checks off where the tool would otherwise require them (Kyverno: `rekor.ignoreTlog`
 * and `ctlog.ignoreSCT`; IVP: `ctlog.insecureIgnoreTlog`/`insecureIgnoreSCT`; policy-controller: no
 * `ctlog`; containers: no `rekorPublicKey*`). Pure functions: the use case gathers the input.
 */
import YAML from 'yaml';

export type PolicyFormat = 'containers' | 'kyverno' | 'policy-controller' | 'ci';
export const POLICY_FORMATS: PolicyFormat[] = ['containers', 'kyverno', 'policy-controller', 'ci'];

/** `enforce`: refuse what is not signed; `audit`: report only (from a daemon.json in permissive mode). */
export type EnforcementMode = 'enforce' | 'audit';

export interface PolicyKey {
  /** A short name: the signer it maps to, or the key file's name. */
  name: string;
  /** The notary-style canonical key ID of the public key. */
  keyId: string;
  pem: string;
  /** DCT signers (delegation names) whose key this is, per repository (`gun: [names]`). */
  signers: string[];
}

export interface PolicyScope {
  /** What it covers: one repository, or a daemon.json root-keys glob (normalised, e.g. `docker.io/acme/*`). */
  kind: 'repository' | 'glob';
  /** The repository (GUN) or the glob pattern. */
  pattern: string;
  /** How many of the keys must have signed (1 = any one of them). */
  count: number;
}

export interface PolicyProvenance {
  generatedAt: string;
  generator: string;
  repositories: { gun: string; rootKeyIds: string[]; signers: { name: string; threshold: number; keyIds: string[] }[] }[];
  /** The daemon.json the scopes and mode came from. */
  daemonJson?: string;
}

export interface PolicySet {
  mode: EnforcementMode;
  /** Images outside every scope are refused too (content trust `enforced`: an unpinned image does not pull). */
  rejectUnmatched: boolean;
  keys: PolicyKey[];
  scopes: PolicyScope[];
  provenance: PolicyProvenance;
}

export interface PolicyFile {
  format: PolicyFormat;
  /** Relative to the output folder, `/`-separated. */
  path: string;
  title: string;
  text: string;
}

/** A remark about one format, or `all` (the daemon.json translation). */
export interface PolicyRemark {
  format: PolicyFormat | 'all';
  message: string;
}

export interface WrittenPolicies {
  files: PolicyFile[];
  /** What the target tools cannot say, each with the format it concerns. */
  untranslatable: PolicyRemark[];
  /** Facts the user must know to deploy them (versions, where files go). */
  notes: PolicyRemark[];
  /** The containers policy uses `keyDatas` (several keys, any one): containers/image ≥ 5.33 only. */
  needsContainersImage533: boolean;
}

// ---------------------------------------------------------------------------------------------- names

const DOCKER_HUB = 'docker.io/';

/** policy-controller matches go-containerregistry names: Docker Hub is `index.docker.io`. */
function ggcrName(pattern: string): string {
  return pattern.startsWith(DOCKER_HUB) ? `index.${pattern}` : pattern;
}

/** A Kubernetes object name (DNS-1123 subdomain, ≤ 63 here so it is also a label value). */
export function k8sName(prefix: string, pattern: string): string {
  const body = pattern
    .toLowerCase()
    .replace(/\*+/g, 'all')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${prefix}-${body}`.slice(0, 63).replace(/-+$/, '');
}

/** A CEL identifier for an IVP attestor name (`attestors.<name>`). */
function celName(name: string, i: number): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `key${i + 1}${s ? `_${s}` : ''}`;
}

/** Kyverno `imageReferences` / IVP globs: `*` crosses `/`, tag and digest forms both. */
function kyvernoReferences(scope: PolicyScope): string[] {
  return scope.pattern.endsWith('*') ? [scope.pattern] : [`${scope.pattern}:*`, `${scope.pattern}@*`];
}

/** policy-controller globs: `*` stops at `/`, `**` does not; `?` is not allowed. */
function cipGlobs(scope: PolicyScope): string[] | undefined {
  if (scope.pattern.includes('?')) return undefined;
  const p = ggcrName(scope.pattern).replace(/\*+/g, '**');
  return p.endsWith('**') ? [p] : [`${p}:**`, `${p}@**`];
}

/** containers-policy.json scopes: a repository or a namespace prefix; no wildcards but `*.host`. */
function containersScope(scope: PolicyScope): string | undefined {
  if (scope.kind === 'repository') return scope.pattern;
  if (/^[^*?]+\/\*$/.test(scope.pattern)) return scope.pattern.slice(0, -2);
  if (!/[*?]/.test(scope.pattern)) return scope.pattern;
  return undefined;
}

// --------------------------------------------------------------------------------------------- header

function headerLines(set: PolicySet, what: string): string[] {
  const p = set.provenance;
  const lines = [
    `${what}`,
    `Generated by ${p.generator} at ${p.generatedAt} from verified Docker Content Trust data${p.daemonJson ? ` and ${p.daemonJson}` : ''}.`,
    `Mode: ${set.mode}${set.rejectUnmatched ? '; images outside these scopes are refused too' : ''}.`,
  ];
  for (const r of p.repositories) {
    lines.push(`Repository ${r.gun}: root key ${r.rootKeyIds.map((id) => id.slice(0, 12)).join(', ') || '(none)'}`);
    for (const s of r.signers) lines.push(`  signer ${s.name} (threshold ${s.threshold}): ${s.keyIds.map((id) => id.slice(0, 12)).join(', ')}`);
  }
  for (const k of set.keys)
    lines.push(`Key ${k.name}: ${k.keyId}${k.signers.length ? ` (DCT signer ${k.signers.join(', ')})` : ' (no DCT signer has this key)'}`);
  for (const s of set.scopes)
    lines.push(`Scope ${s.pattern} (${s.kind}): ${s.count === 1 ? 'any one key' : `${s.count} of ${set.keys.length} keys`}`);
  lines.push('Migrated signatures are key-only cosign signatures without a transparency-log entry: log checks are off.');
  return lines;
}

function hashHeader(lines: string[]): string {
  return `${lines.map((l) => `# ${l}`.trimEnd()).join('\n')}\n`;
}

function yamlDocs(docs: unknown[]): string {
  return docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}

// ----------------------------------------------------------------------------------------- containers

function writeContainers(set: PolicySet, out: WrittenPolicies): void {
  const scopes: Record<string, unknown[]> = {};
  const registriesD: Record<string, { 'use-sigstore-attachments': boolean }> = {};
  const keyData = set.keys.map((k) => Buffer.from(k.pem).toString('base64'));
  for (const scope of set.scopes) {
    const name = containersScope(scope);
    if (!name) {
      out.untranslatable.push({
        format: 'containers',
        message: `${scope.pattern}: containers policy scopes are a repository or a namespace prefix (no wildcards but *.host); not written`,
      });
      continue;
    }
    const signedIdentity = { type: 'matchRepository' };
    let requirements: unknown[];
    if (keyData.length === 1) requirements = [{ type: 'sigstoreSigned', keyData: keyData[0], signedIdentity }];
    else if (scope.count === keyData.length) requirements = keyData.map((d) => ({ type: 'sigstoreSigned', keyData: d, signedIdentity }));
    else {
      requirements = [{ type: 'sigstoreSigned', keyDatas: keyData, signedIdentity }];
      out.needsContainersImage533 = true;
      if (scope.count > 1)
        out.untranslatable.push({
          format: 'containers',
          message: `${scope.pattern}: ${scope.count} of ${keyData.length} keys cannot be said in a containers policy (one requirement per key means all of them, keyDatas means any one); written as any one`,
        });
    }
    scopes[name] = requirements;
    registriesD[name] = { 'use-sigstore-attachments': true };
  }
  if (set.mode === 'audit')
    out.untranslatable.push({ format: 'containers', message: 'permissive mode: a containers policy has no audit mode; policy.json enforces' });
  const policy = {
    default: [{ type: set.rejectUnmatched ? 'reject' : 'insecureAcceptAnything' }],
    transports: { docker: scopes },
  };
  const header = headerLines(set, 'containers-policy.json(5) for podman, CRI-O, skopeo, buildah: /etc/containers/policy.json');
  if (out.needsContainersImage533)
    header.push(
      'keyDatas (several keys, any one of them) needs containers/image 5.33 or later (podman 5.3, skopeo 1.17); older versions refuse the file.',
    );
  header.push(
    set.rejectUnmatched
      ? 'Default: reject (content trust was enforced for every image).'
      : 'Default: accept; only the repositories above are enforced (reject what their keys did not sign).',
  );
  header.push('policy.json cannot hold comments: this header is README.txt beside it.');
  out.files.push({
    format: 'containers',
    path: 'containers/policy.json',
    title: 'containers policy.json',
    text: `${JSON.stringify(policy, null, 2)}\n`,
  });
  out.files.push({
    format: 'containers',
    path: 'containers/registries.d/trustdesk-migrated.yaml',
    title: 'containers registries.d',
    text:
      hashHeader(headerLines(set, 'containers-registries.d(5): /etc/containers/registries.d/trustdesk-migrated.yaml (reads cosign signatures)')) +
      YAML.stringify({ docker: registriesD }),
  });
  out.files.push({
    format: 'containers',
    path: 'containers/README.txt',
    title: 'containers policy header',
    text: `${header.join('\n')}\n\nInstall: copy policy.json to /etc/containers/policy.json (or ~/.config/containers/policy.json) and\nregistries.d/trustdesk-migrated.yaml to /etc/containers/registries.d/; try it first with\n  skopeo --policy policy.json --registries.d registries.d copy docker://IMAGE dir:/tmp/check\n`,
  });
  if (out.needsContainersImage533)
    out.notes.push({
      format: 'containers',
      message: 'policy.json uses keyDatas: containers/image ≥ 5.33 (podman ≥ 5.3, skopeo ≥ 1.17) is needed to read it',
    });
}

// -------------------------------------------------------------------------------------------- kyverno

function writeKyverno(set: PolicySet, out: WrittenPolicies): void {
  const enforce = set.mode === 'enforce';
  const publicKeys = set.keys.map((k) => k.pem.trimEnd()).join('\n');
  const clusterPolicy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: 'trustdesk-migrated-signatures',
      annotations: {
        'policies.kyverno.io/title': 'Images signed by the keys migrated from Docker Content Trust',
        'trustdesk.dev/generated-at': set.provenance.generatedAt,
      },
    },
    spec: {
      background: false,
      webhookConfiguration: { timeoutSeconds: 30 },
      rules: set.scopes.map((scope) => ({
        name: k8sName('verify', scope.pattern),
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        verifyImages: [
          {
            imageReferences: kyvernoReferences(scope),
            failureAction: enforce ? 'Enforce' : 'Audit',
            // Audit with mutateDigest is refused by Kyverno ("mutateDigest must be set to false for 'Audit'").
            mutateDigest: enforce,
            verifyDigest: true,
            required: true,
            attestors: [
              {
                count: scope.count,
                entries: [{ keys: { publicKeys, rekor: { ignoreTlog: true, url: 'https://rekor.sigstore.dev' }, ctlog: { ignoreSCT: true } } }],
              },
            ],
          },
        ],
      })),
    },
  };
  out.files.push({
    format: 'kyverno',
    path: 'kyverno/clusterpolicy.yaml',
    title: 'Kyverno ClusterPolicy',
    text:
      hashHeader(headerLines(set, 'Kyverno ClusterPolicy (kyverno.io/v1, verifyImages): kubectl apply -f clusterpolicy.yaml')) +
      yamlDocs([clusterPolicy]),
  });

  const ivps = set.scopes.map((scope) => {
    const names = set.keys.map((k, i) => celName(k.name, i));
    return {
      apiVersion: 'policies.kyverno.io/v1',
      kind: 'ImageValidatingPolicy',
      metadata: { name: k8sName('trustdesk', scope.pattern) },
      spec: {
        validationActions: enforce ? ['Deny'] : ['Audit', 'Warn'],
        evaluation: { background: { enabled: false } },
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
        matchImageReferences: kyvernoReferences(scope).map((glob) => ({ glob })),
        validationConfigurations: { mutateDigest: enforce, verifyDigest: true, required: true },
        attestors: set.keys.map((k, i) => ({
          name: names[i]!,
          cosign: { key: { data: k.pem }, ctlog: { insecureIgnoreTlog: true, insecureIgnoreSCT: true } },
        })),
        validations: [
          {
            expression: `images.containers.map(image, verifyImageSignatures(image, [${names.map((n) => `attestors.${n}`).join(', ')}])).all(e, e >= ${scope.count})`,
            message:
              scope.count === 1 ? 'the image is not signed by a migrated key' : `the image is not signed by ${scope.count} of the migrated keys`,
          },
        ],
      },
    };
  });
  out.files.push({
    format: 'kyverno',
    path: 'kyverno/imagevalidatingpolicy.yaml',
    title: 'Kyverno ImageValidatingPolicy',
    text:
      hashHeader([
        ...headerLines(
          set,
          'Kyverno ImageValidatingPolicy (policies.kyverno.io/v1): the newer policy type, for clusters whose Kyverno serves this CRD (1.19 does).',
        ),
        'Use it instead of clusterpolicy.yaml, not beside it.',
      ]) + yamlDocs(ivps),
  });
  if (set.rejectUnmatched)
    out.untranslatable.push({
      format: 'kyverno',
      message: 'images outside these scopes are not refused: Kyverno checks only the images its rules match',
    });
}

// ---------------------------------------------------------------------------------- policy-controller

function writePolicyController(set: PolicySet, out: WrittenPolicies): void {
  const docs: unknown[] = [];
  for (const scope of set.scopes) {
    const globs = cipGlobs(scope);
    if (!globs) {
      out.untranslatable.push({
        format: 'policy-controller',
        message: `${scope.pattern}: "?" has no policy-controller glob equivalent; not written`,
      });
      continue;
    }
    if (scope.count > 1)
      out.untranslatable.push({
        format: 'policy-controller',
        message: `${scope.pattern}: ${scope.count} of ${set.keys.length} keys: authorities are "any one"; written as any one`,
      });
    docs.push({
      apiVersion: 'policy.sigstore.dev/v1beta1',
      kind: 'ClusterImagePolicy',
      metadata: { name: k8sName('trustdesk', scope.pattern) },
      spec: {
        mode: set.mode === 'enforce' ? 'enforce' : 'warn',
        images: globs.map((glob) => ({ glob })),
        // No ctlog: a key authority without it skips the transparency log.
        authorities: set.keys.map((k, i) => ({ name: k8sName(`key${i + 1}`, k.name), key: { data: k.pem } })),
      },
    });
  }
  const lines = headerLines(
    set,
    'Sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1): kubectl apply -f clusterimagepolicy.yaml',
  );
  lines.push('Enforced only in namespaces labelled policy.sigstore.dev/include=true.');
  if (set.rejectUnmatched) lines.push('Content trust refused unpinned images: set no-match-policy: deny in ConfigMap config-policy-controller.');
  out.files.push({
    format: 'policy-controller',
    path: 'policy-controller/clusterimagepolicy.yaml',
    title: 'policy-controller ClusterImagePolicy',
    text: hashHeader(lines) + yamlDocs(docs),
  });
  out.notes.push({ format: 'policy-controller', message: 'label the namespaces to enforce with policy.sigstore.dev/include=true' });
}

// ------------------------------------------------------------------------------------------------- ci

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function writeCi(set: PolicySet, out: WrittenPolicies): void {
  const keyFiles = set.keys.map((k, i) => `keys/${k8sName(`key${i + 1}`, k.name)}.pub`);
  set.keys.forEach((k, i) => out.files.push({ format: 'ci', path: `ci/${keyFiles[i]}`, title: `public key ${k.name}`, text: k.pem }));
  const count = Math.max(...set.scopes.map((s) => s.count), 1);
  const script = `#!/bin/sh
${hashHeader(headerLines(set, 'Replaces `DOCKER_CONTENT_TRUST=1 docker pull IMAGE`: verify the cosign signature, then pull the verified digest.'))}# Usage: verify-and-pull.sh IMAGE[:TAG]...   (needs cosign 2.x and jq; docker or podman to pull)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
keys="${keyFiles.join(' ')}"
need=${count}
pull=\${PULL:-docker pull}
for image in "$@"; do
  ok=0 digest=
  for key in $keys; do
    if out=$(cosign verify --key "$here/$key" --insecure-ignore-tlog=true --output json "$image" 2>/dev/null); then
      ok=$((ok + 1))
      digest=$(printf '%s' "$out" | jq -r '.[0].critical.image["docker-manifest-digest"]')
    fi
  done
  if [ "$ok" -lt "$need" ]; then
    echo "refused: $image is signed by $ok of the migrated keys (needs $need)" >&2
    exit 1
  fi
  repo=\${image%@*}
  case "\${repo##*/}" in *:*) repo=\${repo%:*} ;; esac
  $pull "$repo@$digest"
done
`;
  out.files.push({ format: 'ci', path: 'ci/verify-and-pull.sh', title: 'CI: verify and pull', text: script });
  const images = set.provenance.repositories.map((r) => `${r.gun}:\${{ github.sha }}`);
  const gha = `${hashHeader(headerLines(set, 'GitHub Actions steps replacing DOCKER_CONTENT_TRUST=1 pulls (cosign verifies, the verified digest is pulled).'))}${YAML.stringify(
    {
      steps: [
        { uses: 'sigstore/cosign-installer@v3' },
        { name: 'Pull only images signed by the migrated keys', run: `sh ci/verify-and-pull.sh ${images.map(shellQuote).join(' ')}` },
      ],
    },
    { lineWidth: 0 },
  )}`;
  out.files.push({ format: 'ci', path: 'ci/github-actions.yml', title: 'CI: GitHub Actions steps', text: gha });
}

/** Every requested format's files, with what could not be said in each. */
export function writeSuccessorPolicies(set: PolicySet, formats: PolicyFormat[] = POLICY_FORMATS): WrittenPolicies {
  const out: WrittenPolicies = { files: [], untranslatable: [], notes: [], needsContainersImage533: false };
  for (const f of formats) {
    if (f === 'containers') writeContainers(set, out);
    else if (f === 'kyverno') writeKyverno(set, out);
    else if (f === 'policy-controller') writePolicyController(set, out);
    else writeCi(set, out);
  }
  return out;
}
