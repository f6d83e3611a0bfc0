/** The current view, kept in the URL hash (same-document navigation only). */
import { useEffect, useState } from 'react';

export const REPO_TABS = ['tags', 'signers', 'keys', 'timeline', 'graph', 'publish'] as const;
export type RepoTab = (typeof REPO_TABS)[number];

export type Route = { page: 'repositories' } | { page: 'settings' } | { page: 'audit' } | { page: 'repository'; name: string; tab: RepoTab };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'settings') return { page: 'settings' };
  if (parts[0] === 'audit') return { page: 'audit' };
  if (parts[0] === 'repo' && parts[1]) {
    const tab = (REPO_TABS as readonly string[]).includes(parts[2] ?? '') ? (parts[2] as RepoTab) : 'tags';
    return { page: 'repository', name: parts[1], tab };
  }
  return { page: 'repositories' };
}

export function routeHash(r: Route): string {
  if (r.page === 'settings') return '#/settings';
  if (r.page === 'audit') return '#/audit';
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
  return [route, (r) => { window.location.hash = routeHash(r); }];
}
