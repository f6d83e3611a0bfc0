/**
 * Staged (unpublished) changes per repository, kept in the renderer until published or dropped.
 * Each has the words shown in the pending-changes panel; the exact metadata diff comes from main
 * (`publish:preview`), which builds and signs them in memory.
 */
import { useSyncExternalStore } from 'react';
import type { ChangeInput } from '../../shared/ipc/publishing-contract';

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
