/** Settings: read and save them; the trust pins in force (Settings → Trust pins). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api';
import { keys } from '../../queries';
import type { Settings } from '../../../../shared/view-model';

export const useSettings = () => useQuery({ queryKey: keys.settings, queryFn: () => call('settings:get', {}) });

export function useUpdateSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<Omit<Settings, 'recent'>>) => call('settings:update', patch),
    onSuccess: () => qc.invalidateQueries(),
  });
}

export const usePins = () => useQuery({ queryKey: keys.pins, queryFn: () => call('pins:list', {}) });
