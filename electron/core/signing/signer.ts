/**
 * Who signs metadata. A `Signer` holds one private key somewhere (a key file in the trust dir here;
 * a PKCS#11 token later) and signs canonical bytes the way notary does (signatures.ts). It never
 * hands out key bytes.
 *
 * `KeyRing` finds the local signers for a role's keys: metadata lists keys by their metadata ID
 * (for root, the certificate ID), key files are named by the bare key's canonical ID, so each role
 * key is matched through `canonicalKeyId`. Keys are unlocked on first use with the passphrase
 * sources of the keystore (environment variables, then the prompt / the app's dialog).
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { TrustDeskError } from '../base/errors.js';
import { bareKey, tryCanonicalKeyId, publicKeyJson, type PublicKeyJson } from '../tuf/keys.js';
import { signMessage, type SignatureMethod } from '../tuf/signatures.js';
import { KeyFileStore, type KeyFileEntry } from '../keystore/key-file-store.js';
import { encodePem } from '../keystore/pem-format.js';
import { classifyBlock, encryptKey, openBlock, privateKeyId } from '../keystore/pkcs8-encryption.js';
import { clearAll, newPassphrase, unlockWith, type PassphraseProvider } from '../keystore/passphrase-sources.js';

export interface SignatureResult {
  /** Canonical ID of the bare public key that signed. */
  keyId: string;
  method: SignatureMethod;
  sig: string;
}

export interface Signer {
  /** Canonical ID of the bare public key (the key file name, `notary key list`). */
  readonly keyId: string;
  /** The bare public key (ecdsa/rsa/ed25519, not certificate-wrapped). */
  readonly publicKey: PublicKeyJson;
  /** `context.summary` says in words what is signed (a token signer shows it with its PIN prompt). */
  sign(message: Buffer, context?: { summary?: string }): Promise<SignatureResult>;
}

/** A signer over a Node private key (already unlocked). */
export class KeyObjectSigner implements Signer {
  readonly keyId: string;
  readonly publicKey: PublicKeyJson;

  constructor(private readonly key: KeyObject) {
    this.publicKey = publicKeyJson(createPublicKey(key));
    this.keyId = privateKeyId(key);
  }

  /** The Node key, for making a root certificate (self-signature). Only inside the core. */
  get privateKey(): KeyObject {
    return this.key;
  }

  async sign(message: Buffer): Promise<SignatureResult> {
    const { method, sig } = signMessage(this.key, message);
    return { keyId: this.keyId, method, sig };
  }
}

/** A key file of the trust dir, unlocked on first use. */
export class FileKeySigner implements Signer {
  readonly keyId: string;
  private unlocked?: Promise<KeyObjectSigner>;

  constructor(
    private readonly entry: KeyFileEntry,
    readonly publicKey: PublicKeyJson,
    private readonly passphrases: PassphraseContext,
  ) {
    this.keyId = entry.keyId;
  }

  get role(): string | undefined {
    return this.entry.role;
  }

  /** Opens the key (asks for its passphrase when needed). PASSPHRASE_WRONG / PASSPHRASE_REQUIRED. */
  unlock(): Promise<KeyObjectSigner> {
    this.unlocked ??= (async () => {
      const block = this.entry.block;
      if (!block) throw new TrustDeskError('KEY_FORMAT_INVALID', `${this.entry.path} cannot be read: ${this.entry.warnings.join('; ')}`);
      if (classifyBlock(block).encryption === 'none') return new KeyObjectSigner(openBlock(block));
      const { key, passphrase } = await unlockWith(
        { keyId: this.entry.keyId, role: this.entry.role ?? 'unknown', ...(this.entry.gun ? { gun: this.entry.gun } : {}) },
        { env: this.passphrases.env, prompt: this.passphrases.prompt, prefer: 'docker' },
        (p) => openBlock(block, p),
      );
      clearAll(passphrase);
      const signer = new KeyObjectSigner(key);
      if (signer.keyId !== this.keyId) {
        throw new TrustDeskError('KEYSTORE_ERROR', `key file ${this.entry.path} holds key ${signer.keyId}, not ${this.keyId}: rename or remove it`);
      }
      return signer;
    })();
    this.unlocked.catch(() => {
      this.unlocked = undefined; // a wrong passphrase may be retried
    });
    return this.unlocked;
  }

  async sign(message: Buffer): Promise<SignatureResult> {
    return (await this.unlock()).sign(message);
  }
}

export interface PassphraseContext {
  env: NodeJS.ProcessEnv;
  prompt?: PassphraseProvider;
}

export interface NewKeyInfo {
  role: string;
  gun?: string;
}

/** The signers of one trust dir. */
export class KeyRing {
  readonly store: KeyFileStore;
  private entries?: Promise<KeyFileEntry[]>;
  private readonly signers = new Map<string, FileKeySigner>();

  constructor(
    readonly trustDir: string,
    private readonly passphrases: PassphraseContext,
  ) {
    this.store = new KeyFileStore(trustDir);
  }

  private list(): Promise<KeyFileEntry[]> {
    this.entries ??= this.store.list();
    return this.entries;
  }

  /** The local signer for a metadata key (any key type, certificates included), if its file is here. */
  async signerFor(key: PublicKeyJson): Promise<FileKeySigner | undefined> {
    const id = tryCanonicalKeyId(key);
    if (id === undefined) return undefined;
    const cached = this.signers.get(id);
    if (cached) return cached;
    const entry = (await this.list()).find((e) => e.keyId === id && e.block);
    if (!entry) return undefined;
    const signer = new FileKeySigner(entry, bareKey(key), this.passphrases);
    this.signers.set(id, signer);
    return signer;
  }

  /** Whether a key's private half is in this trust dir (no passphrase needed). */
  async holds(key: PublicKeyJson): Promise<boolean> {
    return (await this.signerFor(key)) !== undefined;
  }

  /** Root keys of the trust dir, first by sorted key ID (docker's choice when initialising). */
  async rootKeys(): Promise<KeyFileEntry[]> {
    return (await this.list()).filter((e) => e.role === 'root' && e.block).sort((a, b) => (a.keyId < b.keyId ? -1 : 1));
  }

  /** Opens a root key file as a signer (for a new repository's root). */
  async rootSigner(entry: KeyFileEntry): Promise<KeyObjectSigner> {
    const s = new FileKeySigner(entry, { keytype: 'ecdsa', keyval: { private: null, public: '' } }, this.passphrases);
    return s.unlock();
  }

  /**
   * Generates an ECDSA P-256 key and stores it encrypted (0600, atomic, never overwriting) with
   * notary's headers (`gun` for targets/snapshot keys). The passphrase comes from the role's
   * variables or the prompt.
   */
  async generate(info: NewKeyInfo): Promise<KeyObjectSigner> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = new KeyObjectSigner(privateKey);
    const passphrase = await newPassphrase(
      { keyId: signer.keyId, role: info.role, ...(info.gun ? { gun: info.gun } : {}) },
      { env: this.passphrases.env, prompt: this.passphrases.prompt, prefer: 'notary' },
    );
    let pem: string;
    try {
      const headers: Record<string, string> =
        (info.role === 'targets' || info.role === 'snapshot') && info.gun ? { gun: info.gun, role: info.role } : { role: info.role };
      pem = encodePem({ label: 'ENCRYPTED PRIVATE KEY', headers, der: encryptKey(privateKey, passphrase) });
    } finally {
      clearAll(passphrase);
    }
    await this.store.add(signer.keyId, pem);
    this.entries = undefined;
    return signer;
  }
}
