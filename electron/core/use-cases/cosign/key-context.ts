/** The cosign key sources (`--key` specs) of a TrustContext: its trust dir, tokens and secret providers. */
import type { TrustContext } from '../../session/context.js';
import type { KeyContext } from '../../signing/cosign/key-spec.js';

export function cosignKeyContext(ctx: TrustContext): KeyContext {
  const { passphrase, cosignPassword } = ctx.secrets;
  return {
    trustDir: ctx.trustDir,
    env: ctx.env,
    ...(passphrase ? { prompt: passphrase } : {}),
    ...(cosignPassword ? { cosignPrompt: (question: string) => cosignPassword({ purpose: 'unlock', question }) } : {}),
    tokens: () => ctx.tokens,
  };
}
