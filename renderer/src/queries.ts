/** react-query hooks over the IPC contract. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './api';
import type { Settings } from '../../shared/view-model';

export const keys = {
  list: ['repositories'] as const,
  summary: (name: string) => ['summary', name] as const,
  overview: (name: string) => ['overview', name] as const,
  settings: ['settings'] as const,
  info: ['info'] as const,
};

export const useRepositoryList = () => useQuery({ queryKey: keys.list, queryFn: () => call('repositories:list', {}) });
export const useOverview = (name: string) => useQuery({ queryKey: keys.overview(name), queryFn: () => call('repository:overview', { name }) });
export const useSettings = () => useQuery({ queryKey: keys.settings, queryFn: () => call('settings:get', {}) });
export const useAppInfo = () => useQuery({ queryKey: keys.info, queryFn: () => call('app:info', {}) });

export function useAddRepository() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => call('repositories:add', { name }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.list }),
  });
}

export function useRemoveRepository() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => call('repositories:remove', { name }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.list }),
  });
}

export function useUpdateSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<Omit<Settings, 'recent'>>) => call('settings:update', patch),
    onSuccess: () => qc.invalidateQueries(),
  });
}

export function useRefreshOverview(name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call('repository:overview', { name, refresh: true }),
    onSuccess: (value) => {
      qc.setQueryData(keys.overview(name), value);
      void qc.invalidateQueries({ queryKey: keys.summary(name) });
    },
  });
}
