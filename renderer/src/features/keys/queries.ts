/**
 * The Keys view: the inventory of the trust directory, and each change to it (generate, load,
 * import, export, change passphrase, remove, restore) as a named call.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api';
import { keys } from '../../queries';
import type { Request } from '../../../../shared/ipc/contract';

const KEYS_QUERY = ['keys'] as const;

export const useKeyList = () => useQuery({ queryKey: KEYS_QUERY, queryFn: () => call('keys:list', {}) });

export const generateKey = (r: Request<'keys:generate'>) => call('keys:generate', r);
export const loadKey = (r: Request<'keys:load'>) => call('keys:load', r);
export const importKeys = (r: Request<'keys:import'>) => call('keys:import', r);
export const exportKey = (r: Request<'keys:export'>) => call('keys:export', r);
export const changePassphrase = (r: Request<'keys:passwd'>) => call('keys:passwd', r);
export const removeKey = (r: Request<'keys:remove'>) => call('keys:remove', r);
export const restoreKey = (r: Request<'keys:restore'>) => call('keys:restore', r);

/**
 * A change to the keys that ends in a message: on success the inventory and every repository
 * overview (who holds which key) are read again.
 */
export function useKeyChange({
  run,
  onDone,
  onError,
}: {
  run: () => Promise<string>;
  onDone: (message: string) => void;
  onError: (err: unknown) => void;
}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (message) => {
      void qc.invalidateQueries({ queryKey: KEYS_QUERY });
      void qc.invalidateQueries({ queryKey: keys.overviews });
      onDone(message);
    },
    onError,
  });
}
