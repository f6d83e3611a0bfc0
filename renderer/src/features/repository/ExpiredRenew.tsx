/** An expired repository cannot be shown, but it can be renewed: the offer under the error. */
import { useState } from 'react';
import { RenewPanel } from './RenewPanel';

export function ExpiredRenew({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  return open ? (
    <RenewPanel name={name} onClose={() => setOpen(false)} />
  ) : (
    <div className="actions">
      <button type="button" onClick={() => setOpen(true)}>
        Renew what this machine can…
      </button>
    </div>
  );
}
