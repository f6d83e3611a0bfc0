/** Publishing: preview and publish the staged changes, initialise trust data, signers and delegate onboarding. */
import { call } from '../../api';
import type { Request } from '../../../../shared/ipc/contract';

export const previewPublish = (r: Request<'publish:preview'>) => call('publish:preview', r);
export const applyPublish = (r: Request<'publish:apply'>) => call('publish:apply', r);
export const initialiseTrustData = (r: Request<'publish:init'>) => call('publish:init', r);
export const signerImpact = (r: Request<'signers:impact'>) => call('signers:impact', r);
export const readPublicKey = (r: Request<'onboarding:read-key'>) => call('onboarding:read-key', r);
export const createDelegateKey = (r: Request<'onboarding:create-key'>) => call('onboarding:create-key', r);
export const onboardingStatus = (r: Request<'onboarding:status'>) => call('onboarding:status', r);
