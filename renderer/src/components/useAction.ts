/**
 * One IPC action started by the user (a wizard step, a preview, a publish): whether it runs, its
 * result, and its failure as the IPC error value. A new run clears the previous result and error.
 */
import { useCallback, useState } from 'react';
import { errorValue } from '../api';
import type { ErrorValueView } from '../../../shared/view-model';

export interface Action<T> {
  pending: boolean;
  error?: ErrorValueView;
  result?: T;
  /** Runs `fn`; resolves to its value, or to undefined when it failed (the error is in `error`). */
  run: (fn: () => Promise<T>) => Promise<T | undefined>;
  reset: () => void;
}

export function useAction<T>(): Action<T> {
  const [state, setState] = useState<{ pending: boolean; error?: ErrorValueView; result?: T }>({ pending: false });
  const run = useCallback(async (fn: () => Promise<T>) => {
    setState({ pending: true });
    try {
      const result = await fn();
      setState({ pending: false, result });
      return result;
    } catch (err) {
      setState({ pending: false, error: errorValue(err) });
      return undefined;
    }
  }, []);
  const reset = useCallback(() => setState({ pending: false }), []);
  return { ...state, run, reset };
}
