/**
 * The one key finder: which private key can sign for a metadata key. Key files of the trust dir
 * first (notary's and docker's `private/<id>.key`), then keys recorded on PKCS#11 tokens (signing
 * through the worker process). Both answer by canonical key ID, certificate keys included.
 */
import type { PublicKeyJson } from '../tuf/keys.js';
import type { KeyRing, Signer } from './signer.js';
import type { TokenAccess } from './token/tokens.js';

export interface KeyFinder {
  signerFor(key: PublicKeyJson): Promise<Signer | undefined>;
}

/** File keys, then token keys. */
export class FilesAndTokens implements KeyFinder {
  constructor(
    readonly files: KeyRing,
    readonly tokens?: TokenAccess,
  ) {}

  async signerFor(key: PublicKeyJson): Promise<Signer | undefined> {
    return (await this.files.signerFor(key)) ?? (await this.tokens?.signerFor(key));
  }

  /** Whether this machine holds the private half (file or token record); asks for no secret. */
  async holds(key: PublicKeyJson): Promise<boolean> {
    return (await this.signerFor(key)) !== undefined;
  }
}
