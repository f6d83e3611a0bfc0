/** Hardware tokens for CLI commands: the token access with a PIN prompt, and the shared options. */
import { TokenAccess } from '../../core/signing/token/tokens.js';
import type { RootTokenChoice } from '../../core/use-cases/publish/context.js';
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

/** `--root-token LABEL [--module PATH] [--serial S] [--token-key ID]` (or `--to-token LABEL ...`) as the use cases take it. */
export function rootTokenChoice(values: Record<string, unknown>, label: string): RootTokenChoice {
  const modules = (values.module as string[] | undefined) ?? [];
  return {
    label,
    ...(modules[0] ? { module: modules[0] } : {}),
    ...(values.serial ? { serial: values.serial as string } : {}),
    ...(values['token-key'] ? { keyId: values['token-key'] as string } : {}),
  };
}
