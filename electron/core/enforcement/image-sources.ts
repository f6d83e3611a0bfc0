/**
 * Where `trustdesk audit` finds image references: a list file (one per line, `#` comments), a Compose
 * file (`services.*.image`), Kubernetes manifests (multi-document YAML, `List` items, and every
 * `containers` / `initContainers` / `ephemeralContainers` list wherever it sits: Pod, Deployment,
 * StatefulSet, DaemonSet, Job, CronJob `jobTemplate`…), or plain arguments.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

export type SourceKind = 'argument' | 'list' | 'compose' | 'kubernetes';

export interface ImageOccurrence {
  /** The reference exactly as written (after Compose variable substitution). */
  image: string;
  /** Where it was found: `compose.yml services.web`, `k8s.yaml Deployment/api initContainers[0]`, `images.txt:3`. */
  location: string;
  kind: SourceKind;
}

export interface SourceProblem {
  location: string;
  message: string;
}

export interface ReadSources {
  images: ImageOccurrence[];
  problems: SourceProblem[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One reference per line; blank lines and `#` comments (also after a reference) are skipped. */
export function readListText(text: string, name: string): ReadSources {
  const images: ImageOccurrence[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const ref = line.replace(/#.*$/, '').trim();
    if (ref) images.push({ image: ref, location: `${name}:${i + 1}`, kind: 'list' });
  });
  return { images, problems: [] };
}

/** Compose interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$$` (a literal `$`). */
export function interpolate(value: string, env: NodeJS.ProcessEnv): { value: string; missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced, colon, def, bare) => {
    if (m === '$$') return '$';
    const name = (braced ?? bare) as string;
    const v = env[name];
    if (def !== undefined) {
      if (v === undefined || (colon === ':' && v === '')) return def as string;
      return v;
    }
    if (v === undefined) missing.push(name);
    return v ?? '';
  });
  return { value: out, missing };
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

/** Every container image in a Kubernetes object, wherever its pod spec is nested. */
function kubernetesImages(doc: unknown, where: string, out: ImageOccurrence[], problems: SourceProblem[]): void {
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    if (!isObject(v)) return;
    for (const [k, child] of Object.entries(v)) {
      if (CONTAINER_LISTS.includes(k) && Array.isArray(child)) {
        child.forEach((c, i) => {
          const name = isObject(c) && typeof c.name === 'string' ? ` (${c.name})` : '';
          const loc = `${where} ${path ? `${path}.` : ''}${k}[${i}]${name}`;
          if (isObject(c) && typeof c.image === 'string') out.push({ image: c.image.trim(), location: loc, kind: 'kubernetes' });
          else if (isObject(c)) problems.push({ location: loc, message: 'container without an image' });
        });
      } else {
        walk(child, path ? `${path}.${k}` : k);
      }
    }
  };
  walk(doc, '');
}

function objectName(doc: Record<string, unknown>): string {
  const kind = typeof doc.kind === 'string' ? doc.kind : 'object';
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  return `${kind}/${typeof meta.name === 'string' ? meta.name : '?'}`;
}

/** A YAML text: a Compose file (top-level `services`) or Kubernetes manifests (`apiVersion` + `kind`). */
export function readYamlText(text: string, name: string, env: NodeJS.ProcessEnv = {}): ReadSources {
  const images: ImageOccurrence[] = [];
  const problems: SourceProblem[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((d, n) => {
    const docLoc = list.length > 1 ? `${name}#${n + 1}` : name;
    if (d.errors.length) {
      problems.push({ location: docLoc, message: `not valid YAML: ${d.errors[0]!.message.split('\n')[0]}` });
      return;
    }
    const doc = d.toJS({ maxAliasCount: 100 }) as unknown;
    if (doc === null || doc === undefined) return;
    if (!isObject(doc)) {
      problems.push({ location: docLoc, message: 'neither a Compose file nor a Kubernetes object' });
      return;
    }
    if (isObject(doc.services) && doc.apiVersion === undefined) {
      for (const [svc, def] of Object.entries(doc.services)) {
        const loc = `${docLoc} services.${svc}`;
        if (!isObject(def) || def.image === undefined) {
          if (isObject(def) && def.build !== undefined) continue; // built locally: nothing is pulled
          problems.push({ location: loc, message: 'service without an image' });
          continue;
        }
        if (typeof def.image !== 'string') {
          problems.push({ location: loc, message: 'image is not a string' });
          continue;
        }
        const { value, missing } = interpolate(def.image, env);
        if (missing.length) problems.push({ location: loc, message: `variable ${missing.join(', ')} is not set (image "${def.image}")` });
        else images.push({ image: value.trim(), location: loc, kind: 'compose' });
      }
      return;
    }
    if (typeof doc.kind === 'string') {
      const items = doc.kind.endsWith('List') && Array.isArray(doc.items) ? doc.items : [doc];
      for (const item of items) {
        if (isObject(item)) kubernetesImages(item, `${docLoc} ${objectName(item)}`, images, problems);
      }
      return;
    }
    problems.push({ location: docLoc, message: 'neither a Compose file (services) nor a Kubernetes object (kind)' });
  });
  return { images, problems };
}

/** A file's images: YAML by extension or content, else a list file. */
export function readSourceText(text: string, name: string, env: NodeJS.ProcessEnv = {}): ReadSources {
  const yamlByName = /\.(ya?ml)$/i.test(name);
  const looksYaml = /^\s*(services|apiVersion|kind)\s*:/m.test(text) || /^---\s*$/m.test(text);
  return yamlByName || looksYaml ? readYamlText(text, name, env) : readListText(text, name);
}

/**
 * The audit's SOURCE arguments: an existing file is read (list, Compose or Kubernetes), anything else
 * is an image reference.
 */
export async function readSources(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ReadSources> {
  const images: ImageOccurrence[] = [];
  const problems: SourceProblem[] = [];
  for (const arg of args) {
    let text: string | undefined;
    try {
      text = await readFile(arg, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        problems.push({ location: arg, message: `cannot read: ${(err as Error).message}` });
        continue;
      }
    }
    if (text === undefined) {
      images.push({ image: arg, location: 'argument', kind: 'argument' });
      continue;
    }
    const r = readSourceText(text, arg, env);
    images.push(...r.images);
    problems.push(...r.problems);
  }
  return { images, problems };
}
