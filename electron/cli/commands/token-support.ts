/** Hardware tokens for CLI commands: the token access with a PIN prompt, and the shared options. */
import { TokenAccess } from '../../core/signing/token/tokens.js';
import { locateToken } from '../../core/signing/token/locate.js';
import type { RootTokenRequest } from '../../core/publishing/publisher.js';
import type { Io } from '../cli-support.js';
import { pinPrompt } from '../prompts.js';
export { pinPrompt };

export function tokenAccess(io: Io, trustDir: string): TokenAccess {
  const prompt = pinPrompt(io);
  return new TokenAccess({ trustDir, env: io.env, ...(prompt ? { prompt } : {}) });
}

export const TOKEN_OPTIONS = {
  module: { type: 'string', multiple: true },
  token: { type: 'string', multiple: true },
  serial: { type: 'string' },
} as const;

/** `--root-token LABEL [--module PATH] [--serial S] [--token-key ID]` as a publishing request. */
export async function rootTokenRequest(access: TokenAccess, values: Record<string, unknown>, label: string, io: Io): Promise<RootTokenRequest> {
  const modules = (values.module as string[] | undefined) ?? [];
  const module = modules[0];
  const serial = values.serial as string | undefined;
  const location = await locateToken(access, { label, ...(module ? { module } : {}), ...(serial ? { serial } : {}) }, io.env);
  return { location, ...(values['token-key'] ? { keyId: values['token-key'] as string } : {}) };
}
