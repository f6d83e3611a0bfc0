/** Typed calls over `window.trustdesk`; a failed result becomes an AppError for react-query. */
import type { Channel, Request, Response } from '../../shared/ipc/contract';
import type { TrustdeskApi } from '../../shared/ipc/api';
import type { ErrorValueView } from '../../shared/view-model';

declare global {
  interface Window {
    trustdesk?: TrustdeskApi;
  }
}

export class AppError extends Error {
  constructor(readonly value: ErrorValueView) {
    super(value.message);
  }
}

export async function call<C extends Channel>(channel: C, request: Request<C>): Promise<Response<C>> {
  const api = window.trustdesk;
  if (!api) throw new AppError({ code: 'INTERNAL', message: 'the app bridge (window.trustdesk) is missing' });
  const result = await api.invoke(channel, request);
  if (!result.ok) throw new AppError(result.error);
  return result.value;
}

export function errorValue(err: unknown): ErrorValueView {
  if (err instanceof AppError) return err.value;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
