/**
 * Docker image references, normalised the way the docker CLI does it (distribution's
 * `ParseNormalizedNamed`), so that the GUN TrustDesk derives is the one `docker trust` uses.
 *
 *   nginx                         → docker.io/library/nginx
 *   user/app:tag                  → docker.io/user/app, tag "tag"
 *   127.0.0.1:5000/lab/app:v1     → 127.0.0.1:5000/lab/app, tag "v1"
 *   name@sha256:<64 hex>          → docker.io/library/name, digest
 *   localhost/x                   → localhost/x
 *
 * Grammar (from the reference spec):
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component { "/" path-component }
 *   domain     := host [ ":" port ]         host := dns-name | "[" ipv6 "]"
 *   path-comp  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex{32,}
 * The first component is a domain when it contains "." or ":", is "localhost", or has an upper-case
 * letter (docker's rule: an upper-case first component can only be a host name). The normalised name
 * (registry included) may have at most 255 characters.
 */

import { TrustDeskError } from './errors.js';

export interface ParsedReference {
  /** The argument exactly as typed (docker shows it as `Name`). */
  input: string;
  /** Globally unique name: registry + "/" + repository, e.g. `docker.io/library/nginx`. */
  gun: string;
  /** Registry host[:port], e.g. `docker.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  registry: string;
  /** Repository path without the registry, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DEFAULT_REGISTRY = 'docker.io';
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
export const NAME_TOTAL_LENGTH_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const IMAGE_ID = /^[a-f0-9]{64}$/;

/** Hex lengths of the digest algorithms docker accepts (go-digest). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** True when `tag` is a syntactically valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** True when `repository` is a valid repository path (no registry part), e.g. `library/nginx`. */
export function isValidRepository(repository: string): boolean {
  return repository.length > 0 && repository.split('/').every((c) => PATH_COMPONENT.test(c));
}

/** True when `domain` is a valid registry host[:port]. */
export function isValidRegistry(domain: string): boolean {
  return DOMAIN.test(domain);
}

/** Validates a digest string (`sha256:<64 lowercase hex>`, also sha384/sha512); returns an error text or undefined. */
export function digestProblem(digest: string): string | undefined {
  if (!DIGEST.test(digest)) return `invalid digest format "${digest}" (expected sha256:<64 hex digits>)`;
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const expected = DIGEST_HEX_LENGTH[algorithm];
  if (expected === undefined) return `unsupported digest algorithm "${algorithm}"`;
  if (hex.length !== expected) {
    return `invalid ${algorithm} digest length: ${hex.length} hex digits, expected ${expected}`;
  }
  if (!/^[0-9a-f]+$/.test(hex)) return `invalid digest "${digest}": hex digits must be lowercase`;
  return undefined;
}

function invalid(input: string, reason: string): TrustDeskError {
  return new TrustDeskError('INVALID_REFERENCE', `invalid reference ${JSON.stringify(input)}: ${reason}`);
}

/** Parses and normalises a docker image reference; throws TrustDeskError('INVALID_REFERENCE') otherwise. */
export function parseReference(input: string): ParsedReference {
  if (typeof input !== 'string' || input.length === 0) {
    throw invalid(String(input ?? ''), 'repository name must have at least one component');
  }
  if (IMAGE_ID.test(input)) {
    throw invalid(input, 'cannot specify 64-byte hexadecimal strings (that is an image ID, not a name)');
  }
  if (/\s/.test(input)) throw invalid(input, 'must not contain whitespace');

  // Split off "@digest" (neither the name nor the tag may contain "@").
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem !== undefined) throw invalid(input, problem);
  }

  // Split off ":tag": a colon after the last slash (a colon before it belongs to a registry port).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw invalid(
        input,
        tag.length > 128
          ? `tag is longer than 128 characters`
          : `invalid tag "${tag}" (allowed: letters, digits, "_", "." and "-", not starting with "." or "-")`,
      );
    }
  }

  if (rest.length === 0) throw invalid(input, 'repository name must have at least one component');

  // Registry detection.
  let registry: string;
  let repository: string;
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (slash < 0 || (!first.includes('.') && !first.includes(':') && first !== 'localhost' && first.toLowerCase() === first)) {
    registry = DEFAULT_REGISTRY;
    repository = rest;
  } else {
    registry = first;
    repository = rest.slice(slash + 1);
    if (!DOMAIN.test(registry)) throw invalid(input, `invalid registry host "${registry}"`);
  }
  if (registry === LEGACY_DEFAULT_REGISTRY) registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = OFFICIAL_REPO_PREFIX + repository;

  if (repository.toLowerCase() !== repository) {
    throw invalid(input, `repository name "${repository}" must be lowercase`);
  }
  for (const component of repository.split('/')) {
    if (component.length === 0) throw invalid(input, 'repository name has an empty path component');
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(input, `invalid repository path component "${component}" (allowed: a-z, 0-9, separated by ".", "_", "__" or "-")`);
    }
  }

  const gun = `${registry}/${repository}`;
  if (gun.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(input, `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters (${gun.length})`);
  }

  const parsed: ParsedReference = { input, gun, registry, repository };
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}

/** Host[:port] that serves the registry API for a registry name (Docker Hub's API is not at docker.io). */
export function registryApiHost(registry: string): string {
  return registry === DEFAULT_REGISTRY || registry === LEGACY_DEFAULT_REGISTRY ? DOCKER_HUB_API_HOST : registry;
}

/** The host part of a registry name without its port (`[::1]:5000` → `::1`, `a.b:443` → `a.b`). */
export function registryHostname(registry: string): string {
  if (registry.startsWith('[')) {
    const end = registry.indexOf(']');
    return end > 0 ? registry.slice(1, end) : registry;
  }
  const colon = registry.lastIndexOf(':');
  return colon >= 0 ? registry.slice(0, colon) : registry;
}
