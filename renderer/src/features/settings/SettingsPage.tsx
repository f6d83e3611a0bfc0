import { useEffect, useState, type FormEvent } from 'react';
import { PathField } from '../../components/PathField';
import { errorValue } from '../../api';
import { useAppInfo } from '../../queries';
import { useSettings, useUpdateSettings } from './queries';
import { ErrorPanel } from '../../components/ErrorPanel';
import { PinsSection } from './PinsSection';

type Row = { registry: string; server: string; ca: string };

function rowsOf(servers: Record<string, string>, cas: Record<string, string>): Row[] {
  const regs = [...new Set([...Object.keys(servers), ...Object.keys(cas)])].sort();
  return regs.map((r) => ({ registry: r, server: servers[r] ?? '', ca: cas[r] ?? '' }));
}

export function SettingsPage() {
  const settings = useSettings();
  const info = useAppInfo();
  const update = useUpdateSettings();
  const [rows, setRows] = useState<Row[]>([]);
  const [configDir, setConfigDir] = useState('');
  const [offline, setOffline] = useState(false);
  const [modules, setModules] = useState('');
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!settings.data) return;
    setRows(rowsOf(settings.data.trustServers, settings.data.caFiles));
    setConfigDir(settings.data.dockerConfigDir);
    setOffline(settings.data.offline);
    setModules(settings.data.pkcs11Modules.join('\n'));
  }, [settings.data]);

  const problems = rows.flatMap((r, i) => {
    const out: string[] = [];
    if (r.server.trim() && !/^https:\/\/[^\s/]+/.test(r.server.trim())) out.push(`row ${i + 1}: the trust server must be an https:// URL`);
    if ((r.server.trim() || r.ca.trim()) && !r.registry.trim()) out.push(`row ${i + 1}: name the registry (host[:port])`);
    return out;
  });

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (problems.length) return;
    const clean = rows.filter((r) => r.registry.trim());
    update.mutate(
      {
        trustServers: Object.fromEntries(clean.filter((r) => r.server.trim()).map((r) => [r.registry.trim(), r.server.trim()])),
        caFiles: Object.fromEntries(clean.filter((r) => r.ca.trim()).map((r) => [r.registry.trim(), r.ca.trim()])),
        dockerConfigDir: configDir.trim(),
        offline,
        pkcs11Modules: modules
          .split('\n')
          .map((m) => m.trim())
          .filter(Boolean),
      },
      { onSuccess: () => setSaved(true) },
    );
  };
  const setRow = (i: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };

  if (settings.error) return <ErrorPanel error={errorValue(settings.error)} onRetry={() => void settings.refetch()} />;
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <form onSubmit={save} className="settings-form">
        <fieldset>
          <legend>Trust servers and CA files per registry</legend>
          <p className="muted small">
            Without an entry, TrustDesk uses DOCKER_CONTENT_TRUST_SERVER or docker’s default (notary.docker.io for Docker Hub,
            https://&lt;registry&gt; otherwise).
          </p>
          {rows.map((r, i) => (
            <div key={i} className="server-row">
              <label>
                Registry
                <input value={r.registry} onChange={(e) => setRow(i, { registry: e.target.value })} placeholder="registry.example.com" />
              </label>
              <label>
                Trust server
                <input
                  value={r.server}
                  onChange={(e) => setRow(i, { server: e.target.value })}
                  placeholder="https://notary.example.com"
                  aria-invalid={r.server.trim() !== '' && !r.server.trim().startsWith('https://')}
                />
              </label>
              <PathField
                className="settings-path"
                label="CA file (PEM)"
                title={`CA file (PEM) of ${r.registry || 'this registry'}`}
                value={r.ca}
                onChange={(ca) => setRow(i, { ca })}
                dialog={{ kind: 'file', filters: [{ name: 'PEM certificates', extensions: ['pem', 'crt', 'cer'] }] }}
                placeholder="/path/to/ca.pem"
              />
              <button
                type="button"
                className="quiet"
                onClick={() => setRows(rows.filter((_, j) => j !== i))}
                aria-label={`Remove ${r.registry || 'this row'}`}
              >
                Remove
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setRows([...rows, { registry: '', server: '', ca: '' }])}>
            Add a registry
          </button>
        </fieldset>
        <fieldset>
          <legend>Trust directory</legend>
          <PathField
            className="settings-path"
            label="Docker config directory (its trust/ folder is the trust directory)"
            title="Docker config directory"
            value={configDir}
            onChange={(v) => {
              setSaved(false);
              setConfigDir(v);
            }}
            dialog={{ kind: 'folder' }}
            placeholder="default: $DOCKER_CONFIG or ~/.docker"
          />
          {info.data && (
            <p className="muted small">
              Trust directory in use: <span className="mono">{info.data.trustDir}</span>
            </p>
          )}
        </fieldset>
        <fieldset>
          <legend>Hardware tokens</legend>
          <PathField
            className="settings-path"
            label="PKCS#11 modules, one per line (e.g. a YubiKey’s libykcs11.so, OpenSC’s opensc-pkcs11.so)"
            title="PKCS#11 modules"
            value={modules}
            onChange={(v) => {
              setSaved(false);
              setModules(v);
            }}
            dialog={{ kind: 'file', filters: [{ name: 'PKCS#11 modules', extensions: ['so', 'dylib', 'dll'] }] }}
            multiple
            placeholder="/usr/lib/x86_64-linux-gnu/libykcs11.so"
          />
          <p className="muted small">
            TrustDesk reads only the public keys and certificates on these tokens (no PIN) to tell which keys a token holds.
          </p>
        </fieldset>
        <fieldset>
          <legend>Network</legend>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={offline}
              onChange={(e) => {
                setSaved(false);
                setOffline(e.target.checked);
              }}
            />{' '}
            Offline mode (air-gapped): verify only what the local trust cache holds; contact no server (the app can also be started with --air-gapped)
          </label>
        </fieldset>
        {problems.length > 0 && (
          <ul className="form-problems" role="alert">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <button type="submit" disabled={update.isPending || problems.length > 0}>
          Save settings
        </button>
        {saved && <span role="status"> Saved.</span>}
        {update.error && <ErrorPanel error={errorValue(update.error)} />}
        {info.data && (
          <p className="muted small">
            Settings file: <span className="mono">{info.data.settingsFile}</span> · TrustDesk {info.data.version}
          </p>
        )}
      </form>
      <PinsSection />
    </section>
  );
}
