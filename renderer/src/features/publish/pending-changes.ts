/**
 * Staged (unpublished) changes per repository, kept in the renderer until published or dropped.
 * Each has the words shown in the pending-changes panel; the exact metadata diff comes from main
 * (`publish:preview`), which builds and signs them in memory.
 */
import { useSyncExternalStore } from 'react';
import type { ChangeInput } from '../../../../shared/ipc/publishing-contract';
import type { TagRow } from '../../../../shared/view-model';

export interface PendingChange {
  change: ChangeInput;
  label: string;
}

const store = new Map<string, PendingChange[]>();
const listeners = new Set<() => void>();
const EMPTY: PendingChange[] = [];

function emit(): void {
  for (const l of listeners) l();
}

export function stageChanges(name: string, changes: PendingChange[]): void {
  store.set(name, [...(store.get(name) ?? []), ...changes]);
  emit();
}

export function unstageChange(name: string, index: number): void {
  const list = [...(store.get(name) ?? [])];
  list.splice(index, 1);
  store.set(name, list);
  emit();
}

export function clearChanges(name: string): void {
  store.delete(name);
  emit();
}

export function usePendingChanges(name: string): PendingChange[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => store.get(name) ?? EMPTY,
  );
}

/** A tag can be signed when the registry serves it (digest and size) at another digest than the signed one. */
export const canSign = (row: TagRow): boolean => !!row.registryDigest && row.size !== undefined && row.registryDigest !== row.signedDigest;

/** Stages signing a tag at the digest the registry serves, or revoking its signature. */
export function stageTagChange(name: string, row: TagRow, action: 'sign' | 'revoke'): void {
  if (action === 'sign')
    stageChanges(name, [
      {
        change: { kind: 'add-target', name: row.tag, target: { sha256Hex: row.registryDigest!.slice(7), length: row.size! } },
        label: `Sign ${row.tag} (${row.registryDigest})`,
      },
    ]);
  else stageChanges(name, [{ change: { kind: 'remove-target', name: row.tag }, label: `Revoke ${row.tag} (${row.signedDigest})` }]);
}
