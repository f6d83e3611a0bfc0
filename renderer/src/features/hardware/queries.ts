/** Hardware keys: the token doctor's report (read without a PIN) and the token key actions (the PIN is asked in the PIN dialog). */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api';
import type { Request } from '../../../../shared/ipc/contract';

const HARDWARE_QUERY = ['hardware', 'doctor'] as const;

export const useTokenDoctor = (enabled = true) =>
  useQuery({ queryKey: HARDWARE_QUERY, queryFn: () => call('hardware:doctor', {}), retry: false, enabled });

/** The token key actions; each refreshes the report afterwards (also after a failure: a token may have changed). */
export function useTokenActions() {
  const qc = useQueryClient();
  const after = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } finally {
      void qc.invalidateQueries({ queryKey: HARDWARE_QUERY });
    }
  };
  return {
    generate: (r: Request<'hardware:generate'>) => after(call('hardware:generate', r)),
    importKey: (r: Request<'hardware:import'>) => after(call('hardware:import', r)),
    adopt: (r: Request<'hardware:adopt'>) => after(call('hardware:adopt', r)),
  };
}
