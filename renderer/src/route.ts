/** The current view, kept in the URL hash (same-document navigation only). */
import { useEffect, useState } from 'react';

export const REPO_TABS = ['tags', 'signers', 'keys', 'timeline', 'graph', 'publish'] as const;
export type RepoTab = (typeof REPO_TABS)[number];

export type OfflineSource = 'archive' | 'trust-dir';
export type Route =
  | { page: 'repositories' }
  | { page: 'settings' }
  | { page: 'audit' }
  | { page: 'keys' }
  | { page: 'hardware' }
  | { page: 'ceremony' }
  | { page: 'migrate' }
  | { page: 'repository'; name: string; tab: RepoTab }
  /** A repository of a trust directory or archive opened by the offline inspector (read-only). */
  | { page: 'offline'; source: OfflineSource; path: string; name: string; tab: RepoTab };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'settings') return { page: 'settings' };
  if (parts[0] === 'audit') return { page: 'audit' };
  if (parts[0] === 'keys') return { page: 'keys' };
  if (parts[0] === 'hardware') return { page: 'hardware' };
  if (parts[0] === 'ceremony') return { page: 'ceremony' };
  if (parts[0] === 'migrate') return { page: 'migrate' };
  if (parts[0] === 'offline' && (parts[1] === 'archive' || parts[1] === 'trust-dir') && parts[2] && parts[3]) {
    const tab = (REPO_TABS as readonly string[]).includes(parts[4] ?? '') && parts[4] !== 'publish' ? (parts[4] as RepoTab) : 'tags';
    return { page: 'offline', source: parts[1], path: parts[2], name: parts[3], tab };
  }
  if (parts[0] === 'repo' && parts[1]) {
    const tab = (REPO_TABS as readonly string[]).includes(parts[2] ?? '') ? (parts[2] as RepoTab) : 'tags';
    return { page: 'repository', name: parts[1], tab };
  }
  return { page: 'repositories' };
}

export function routeHash(r: Route): string {
  if (r.page === 'settings') return '#/settings';
  if (r.page === 'audit') return '#/audit';
  if (r.page === 'keys') return '#/keys';
  if (r.page === 'hardware') return '#/hardware';
  if (r.page === 'ceremony') return '#/ceremony';
  if (r.page === 'migrate') return '#/migrate';
  if (r.page === 'offline') return `#/offline/${r.source}/${encodeURIComponent(r.path)}/${encodeURIComponent(r.name)}/${r.tab}`;
  if (r.page === 'repository') return `#/repo/${encodeURIComponent(r.name)}/${r.tab}`;
  return '#/';
}

export function useRoute(): [Route, (r: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return [
    route,
    (r) => {
      window.location.hash = routeHash(r);
    },
  ];
}
