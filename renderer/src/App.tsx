import { useEffect } from 'react';
import { routeHash, useRoute, type Route } from './route';
import { RepositoriesPage } from './features/repositories/RepositoriesPage';
import { RepositoryPage } from './features/repository/RepositoryPage';
import { SettingsPage } from './features/settings/SettingsPage';
import { AuditPage } from './features/audit/AuditPage';
import { KeysPage } from './features/keys/KeysPage';
import { HardwareKeysPage } from './features/hardware/HardwareKeysPage';
import { CeremonyPage } from './features/ceremony/CeremonyPage';
import { MigratePage } from './features/migrate/MigratePage';
import { OfflineRepositoryPage } from './features/offline/OfflineRepositoryPage';
import { openExternal, useAppInfo } from './queries';
import { ErrorBoundary } from './components/ErrorBoundary';
import { PinDialogHost } from './features/secrets/PinDialog';

const DOCS_URL = 'https://docs.docker.com/engine/security/trust/';

const NAV: { href: string; label: string; pages: Route['page'][] }[] = [
  { href: '#/', label: 'Repositories', pages: ['repositories', 'repository', 'offline'] },
  { href: '#/keys', label: 'Keys', pages: ['keys'] },
  { href: '#/hardware', label: 'Hardware keys', pages: ['hardware'] },
  { href: '#/ceremony', label: 'Ceremonies', pages: ['ceremony'] },
  { href: '#/audit', label: 'Audit', pages: ['audit'] },
  { href: '#/migrate', label: 'Migrate', pages: ['migrate'] },
  { href: '#/settings', label: 'Settings', pages: ['settings'] },
];

export function App() {
  const [route, go] = useRoute();
  const info = useAppInfo();
  const offline = info.data?.offline === true;
  // the window title says air-gapped mode (Electron's window follows the page title)
  useEffect(() => {
    document.title = offline ? 'TrustDesk — air-gapped (offline mode)' : 'TrustDesk';
  }, [offline]);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">TrustDesk</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={n.pages.includes(route.page) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {info.data?.offline && <span className="offline-pill">Offline mode</span>}
        <button type="button" className="quiet help" onClick={() => openExternal(DOCS_URL)}>
          About content trust ↗
        </button>
      </header>
      <main>
        <ErrorBoundary resetKey={routeHash(route)}>
          {route.page === 'repositories' && <RepositoriesPage onOpen={(name) => go({ page: 'repository', name, tab: 'tags' })} />}
          {route.page === 'settings' && <SettingsPage />}
          {route.page === 'audit' && <AuditPage />}
          {route.page === 'keys' && <KeysPage />}
          {route.page === 'hardware' && <HardwareKeysPage />}
          {route.page === 'ceremony' && <CeremonyPage />}
          {route.page === 'migrate' && <MigratePage />}
          {route.page === 'offline' && (
            <OfflineRepositoryPage key={`${route.path}|${route.name}`} route={route} onTab={(tab) => go({ ...route, tab })} />
          )}
          {route.page === 'repository' && (
            <>
              <a className="back" href="#/">
                ← All repositories
              </a>
              <RepositoryPage key={route.name} name={route.name} tab={route.tab} onTab={(tab) => go({ ...route, tab })} />
            </>
          )}
        </ErrorBoundary>
      </main>
      <PinDialogHost />
    </div>
  );
}
