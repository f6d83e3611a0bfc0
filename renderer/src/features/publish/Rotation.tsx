/** Rotating the non-root keys of a repository (staged; the root key is rotated in the Ceremony view's rotation wizard). */
import { stageChanges } from './pending-changes';

export function Rotation({ name }: { name: string }) {
  const stage = (role: 'targets' | 'snapshot' | 'timestamp', serverManaged: boolean, label: string) =>
    stageChanges(name, [{ change: { kind: 'rotate-key', role, ...(serverManaged ? { serverManaged: true } : {}) }, label }]);
  return (
    <section aria-labelledby="rotate-title" className="publish-section">
      <h2 id="rotate-title">Rotate keys</h2>
      <p className="muted">
        A new key replaces the old one in root (root version goes up). The root key is rotated in{' '}
        <a href="#/ceremony">Key ceremonies → Root rotation</a>: to a new root key file signed on the offline machine, or to a new root key on a
        hardware token.
      </p>
      <div className="actions">
        <button type="button" onClick={() => stage('targets', false, 'Rotate the targets (repository) key')}>
          Targets key
        </button>
        <button type="button" onClick={() => stage('snapshot', false, 'Rotate the snapshot key (kept on this machine)')}>
          Snapshot key (local)
        </button>
        <button type="button" onClick={() => stage('snapshot', true, 'Rotate the snapshot key (held by the trust server)')}>
          Snapshot key (server-managed)
        </button>
        <button type="button" onClick={() => stage('timestamp', true, 'Rotate the timestamp key (held by the trust server)')}>
          Timestamp key
        </button>
      </div>
    </section>
  );
}
