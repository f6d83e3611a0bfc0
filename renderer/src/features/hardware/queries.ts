/** Hardware keys: the token doctor's report (read without a PIN). */
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api';

const HARDWARE_QUERY = ['hardware', 'doctor'] as const;

export const useTokenDoctor = () => useQuery({ queryKey: HARDWARE_QUERY, queryFn: () => call('hardware:doctor', {}), retry: false });
