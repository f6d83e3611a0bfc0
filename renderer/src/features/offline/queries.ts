/** The offline inspector: open a trust directory or archive, and one of its repositories (no network). */
import { useMutation, useQuery } from '@tanstack/react-query';
import { call } from '../../api';
import type { OfflineSource } from '../../route';

export const useOpenOffline = (path: string) =>
  useMutation({ mutationFn: (source: OfflineSource) => call('offline:open', { source, path: path.trim() }) });

export const useOfflineOverview = (source: OfflineSource, path: string, name: string) =>
  useQuery({ queryKey: ['offline', source, path, name], queryFn: () => call('offline:overview', { source, path, name }) });
