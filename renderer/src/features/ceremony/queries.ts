/** Key ceremonies: root backup and restore drill, root rotation, air-gapped signing, the ceremony log. */
import { call } from '../../api';
import type { Request } from '../../../../shared/ipc/contract';

/** A new encrypted root key file in the trust dir (`trustdesk root generate`). */
export const generateRootKeyFile = (r: Request<'ceremony:generate'>) => call('ceremony:generate', r);
/** A new root key made on a hardware token, signed in by the old root key here and published at once (`key rotate REPO root --to-token`). */
export const rotateRootOntoDevice = (r: Request<'publish:rotate-root'>) => call('publish:rotate-root', r);
export const exportRootBackup = (r: Request<'ceremony:backup'>) => call('ceremony:backup', r);
/** The share pages as one PDF to print (Chromium's print-to-PDF). */
export const saveShareSheetsPdf = (r: Request<'ceremony:shares-pdf'>) => call('ceremony:shares-pdf', r);
export const runRestoreDrill = (r: Request<'ceremony:drill'>) => call('ceremony:drill', r);
export const writeRotationRequest = (r: Request<'ceremony:rotate-request'>) => call('ceremony:rotate-request', r);
/** Verifies a signed bundle and simulates it (publish: false), or also publishes it (publish: true). */
export const importSignedBundle = (r: Request<'ceremony:bundle-import'>) => call('ceremony:bundle-import', r);
export const openSigningRequest = (r: Request<'ceremony:bundle-open'>) => call('ceremony:bundle-open', r);
export const signBundle = (r: Request<'ceremony:bundle-sign'>) => call('ceremony:bundle-sign', r);
export const verifyCeremonyLog = (r: Request<'ceremony:log-verify'>) => call('ceremony:log-verify', r);
