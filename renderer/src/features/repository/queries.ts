/** A repository: its verified overview (and reload), its trust pin, the cosign signatures of its tags. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api';
import { keys } from '../../queries';
import type { Request } from '../../../../shared/ipc/contract';
import { PERF_MARK } from '../../../../shared/perf-marks';
import { unpackOverview } from '../../../../shared/tag-table';
import { mark } from '../../perf';

/** The overview with its rows (the channel sends the tags as a compact table: shared/tag-table.ts). */
async function loadOverview(name: string, refresh?: boolean) {
  mark(PERF_MARK.overviewRequest);
  const wire = await call('repository:overview', refresh ? { name, refresh } : { name });
  mark(PERF_MARK.overviewResponse);
  return unpackOverview(wire);
}

export const useOverview = (name: string) => useQuery({ queryKey: keys.overview(name), queryFn: () => loadOverview(name) });

export function useRefreshOverview(name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => loadOverview(name, true),
    onSuccess: (value) => {
      qc.setQueryData(keys.overview(name), value);
      void qc.invalidateQueries({ queryKey: keys.summary(name) });
    },
  });
}

/** After a publish: the repository's overview and its summary on the Repositories view are stale. */
export function useInvalidateRepository() {
  const qc = useQueryClient();
  return (name: string) => {
    void qc.invalidateQueries({ queryKey: keys.overview(name) });
    void qc.invalidateQueries({ queryKey: keys.summary(name) });
  };
}

// --- trust pinning ---

export const usePinRule = (name: string) => useQuery({ queryKey: keys.pin(name), queryFn: () => call('pins:for', { name }) });

/** Pin or unpin: both refresh this repository's pin and the pins list of Settings. */
function usePinChange<R>(name: string, mutationFn: () => Promise<R>, onDone: (r: R) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (r) => {
      onDone(r);
      void qc.invalidateQueries({ queryKey: keys.pin(name) });
      void qc.invalidateQueries({ queryKey: keys.pins });
    },
  });
}

export const usePinCurrent = (name: string, onDone: (r: Awaited<ReturnType<typeof pinCurrent>>) => void) =>
  usePinChange(name, () => pinCurrent(name), onDone);
export const useUnpin = (name: string, onDone: (r: Awaited<ReturnType<typeof unpin>>) => void) => usePinChange(name, () => unpin(name), onDone);
const pinCurrent = (name: string) => call('pins:pin-current', { name });
const unpin = (name: string) => call('pins:unpin', { name });

// --- cosign ---

export function useCosignTags(name: string, keyFile: string, enabled: boolean) {
  return useQuery({
    queryKey: ['cosign', name, keyFile],
    queryFn: () => call('cosign:tags', { name, keyFile }),
    enabled: enabled && keyFile !== '',
    retry: false,
  });
}

// --- renewal (renew-contract.ts) ---

export const planRenewal = (r: Request<'renew:plan'>) => call('renew:plan', r);
export const applyRenewal = (r: Request<'renew:apply'>) => call('renew:apply', r);
