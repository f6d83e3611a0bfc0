/** The policy editor's quick edits of daemon.json's content-trust (mode, official-images, allow-expired-trust-cache). */
type Json = Record<string, unknown>;

/** Mode and the two switches of daemon.json's content-trust, edited in the text (when it is JSON). */
export function PolicyControls({ text, onChange }: { text: string; onChange: (t: string) => void }) {
  let json: Json | undefined;
  try {
    const parsed = text.trim() ? (JSON.parse(text) as unknown) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Json;
  } catch {
    json = undefined;
  }
  const ct = (json?.['content-trust'] ?? {}) as Json;
  const tp = (ct['trust-pinning'] ?? {}) as Json;
  const set = (edit: (ct: Json, tp: Json) => void) => {
    if (!json) return;
    const nct: Json = { ...ct };
    const ntp: Json = { ...tp };
    edit(nct, ntp);
    if (Object.keys(ntp).length) nct['trust-pinning'] = ntp;
    else delete nct['trust-pinning'];
    onChange(`${JSON.stringify({ ...json, 'content-trust': nct }, null, 2)}\n`);
  };
  return (
    <fieldset className="policy-controls" disabled={!json}>
      <legend className="small">{json ? 'Quick edits' : 'Quick edits (the text is not JSON)'}</legend>
      <label>
        Mode{' '}
        <select value={typeof ct.mode === 'string' ? ct.mode : 'disabled'} onChange={(e) => set((c) => (c.mode = e.target.value))}>
          <option value="disabled">disabled</option>
          <option value="permissive">permissive</option>
          <option value="enforced">enforced</option>
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={tp['official-images'] === true}
          onChange={(e) => set((_c, t) => (e.target.checked ? (t['official-images'] = true) : delete t['official-images']))}
        />{' '}
        official-images
      </label>
      <label>
        <input
          type="checkbox"
          checked={ct['allow-expired-trust-cache'] === true}
          onChange={(e) => set((c) => (e.target.checked ? (c['allow-expired-trust-cache'] = true) : delete c['allow-expired-trust-cache']))}
        />{' '}
        allow-expired-trust-cache
      </label>
    </fieldset>
  );
}
