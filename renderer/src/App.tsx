import { useRoute } from './route';
import { RepositoriesPage } from './views/RepositoriesPage';
import { RepositoryPage } from './views/RepositoryPage';
import { SettingsPage } from './views/SettingsPage';
import { AuditPage } from './views/AuditPage';
import { KeysPage } from './views/KeysPage';
import { HardwareKeysPage } from './views/HardwareKeysPage';
import { CeremonyPage } from './views/CeremonyPage';
import { OfflineRepositoryPage } from './views/OfflineRepositoryPage';
import { useAppInfo } from './queries';
import { call } from './api';
import { ErrorBoundary } from './components/ErrorBoundary';
import { routeHash } from './route';

const DOCS_URL = 'https://docs.docker.com/engine/security/trust/';

export function App() {
  const [route, go] = useRoute();
  const info = useAppInfo();
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">TrustDesk</span>
        <nav aria-label="Main">
          <ul>
            <li>
              <a href="#/" aria-current={route.page === 'repositories' || route.page === 'repository' || route.page === 'offline' ? 'page' : undefined}>
                Repositories
              </a>
            </li>
            <li>
              <a href="#/keys" aria-current={route.page === 'keys' ? 'page' : undefined}>
                Keys
              </a>
            </li>
            <li>
              <a href="#/hardware" aria-current={route.page === 'hardware' ? 'page' : undefined}>
                Hardware keys
              </a>
            </li>
            <li>
              <a href="#/ceremony" aria-current={route.page === 'ceremony' ? 'page' : undefined}>
                Ceremonies
              </a>
            </li>
            <li>
              <a href="#/audit" aria-current={route.page === 'audit' ? 'page' : undefined}>
                Audit
              </a>
            </li>
            <li>
              <a href="#/settings" aria-current={route.page === 'settings' ? 'page' : undefined}>
                Settings
              </a>
            </li>
          </ul>
        </nav>
        {info.data?.offline && <span className="offline-pill">Offline mode</span>}
        <button type="button" className="quiet help" onClick={() => void call('external:open', { url: DOCS_URL }).catch(() => undefined)}>
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
        {route.page === 'offline' && <OfflineRepositoryPage key={`${route.path}|${route.name}`} route={route} onTab={(tab) => go({ ...route, tab })} />}
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
    </div>
  );
}
