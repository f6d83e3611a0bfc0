/** `trustdesk root generate`: a new encrypted root key file (ECDSA P-256) in the trust dir, logged. */
import type { TrustContext } from '../../session/context.js';
import { ceremonyLogOf } from './ceremony-log.js';

export async function generateRootKey(ctx: TrustContext): Promise<{ keyId: string }> {
  const s = await ctx.keyFiles.generate({ role: 'root' });
  await ceremonyLogOf(ctx).append({ step: 'root-key-generated', keyIds: [s.keyId], details: { encrypted: 'pkcs8-pbes2' } });
  return { keyId: s.keyId };
}
