/** The Repositories view: the list (recent and cached), each one's health summary, add and remove. */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api';
import { keys } from '../../queries';

export const useRepositoryList = () => useQuery({ queryKey: keys.list, queryFn: () => call('repositories:list', {}) });

/** One summary query per repository, in the order given. */
export const useRepositorySummaries = (names: string[]) =>
  useQueries({ queries: names.map((name) => ({ queryKey: keys.summary(name), queryFn: () => call('repository:summary', { name }), retry: false })) });

function useListChange<R>(mutationFn: (name: string) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => qc.invalidateQueries({ queryKey: keys.list }) });
}

export const useAddRepository = () => useListChange((name: string) => call('repositories:add', { name }));
export const useRemoveRepository = () => useListChange((name: string) => call('repositories:remove', { name }));
