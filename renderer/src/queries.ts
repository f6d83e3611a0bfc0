/** App-wide: the react-query keys several features share, the app's info, opening a link outside. */
import { useQuery } from '@tanstack/react-query';
import { call } from './api';

export const keys = {
  list: ['repositories'] as const,
  summary: (name: string) => ['summary', name] as const,
  /** every repository overview (a key change can change who holds a key) */
  overviews: ['overview'] as const,
  overview: (name: string) => ['overview', name] as const,
  settings: ['settings'] as const,
  info: ['info'] as const,
  /** every pin query: the pins list of Settings and each repository's pin */
  pins: ['pins'] as const,
  pin: (name: string) => ['pin', name] as const,
};

export const useAppInfo = () => useQuery({ queryKey: keys.info, queryFn: () => call('app:info', {}) });

/** Opens a web page in the system browser (main only opens https URLs); a failure is ignored. */
export const openExternal = (url: string) => void call('external:open', { url }).catch(() => undefined);
