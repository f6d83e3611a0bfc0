/** Audit: the audit run, pinning a root in the policy, comparing two policies, the CI signer set-up. */
import { useMutation } from '@tanstack/react-query';
import { call } from '../../api';
import type { Request } from '../../../../shared/ipc/contract';

export const runAudit = (r: Request<'audit:run'>) => call('audit:run', r);
export const pinRootInPolicy = (r: Request<'audit:pin-root'>) => call('audit:pin-root', r);
export const comparePolicies = (r: Request<'audit:compare'>) => call('audit:compare', r);

export const useCiSetup = (request: () => Request<'ci:setup'>, onSuccess: () => void) =>
  useMutation({ mutationFn: () => call('ci:setup', request()), onSuccess });
