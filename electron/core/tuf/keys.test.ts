import { describe, it, expect } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { keyId, canonicalKeyId, toKeyObject, publicKeyJson } from './keys.js';
import { parseRoot } from './metadata/root.js';
import { signMessage, verifySignature } from './signatures.js';
import { sampleFile } from '../../../tests/support/samples.js';

describe('key IDs', () => {
  it('recomputes every key ID in every sample root', () => {
    for (const scenario of ['app', 'team', 'rotated', 'app-remote-signer', 'awkward-names']) {
      const root = parseRoot(sampleFile(scenario, 'tuf/root.json'));
      for (const [id, key] of Object.entries(root.signed.keys)) expect(keyId(key)).toBe(id);
    }
  });

  it('gives the same private root key one canonical ID and a per-repository certificate ID', () => {
    const app = parseRoot(sampleFile('app', 'tuf/root.json'));
    const team = parseRoot(sampleFile('team', 'tuf/root.json'));
    const appRoot = app.signed.roles.root.keyids[0]!;
    const teamRoot = team.signed.roles.root.keyids[0]!;
    expect(appRoot.startsWith('acabce1e')).toBe(true);
    expect(teamRoot.startsWith('183e9eeb')).toBe(true);
    expect(canonicalKeyId(app.signed.keys[appRoot]!)).toBe(canonicalKeyId(team.signed.keys[teamRoot]!));
    expect(canonicalKeyId(app.signed.keys[appRoot]!).startsWith('476887c2')).toBe(true);
  });

  it('reads ed25519 server keys and ecdsa notary-signer keys', () => {
    const local = JSON.parse(sampleFile('app', 'tuf/timestamp.key').toString());
    expect(toKeyObject(local).asymmetricKeyType).toBe('ed25519');
    const remote = JSON.parse(sampleFile('app-remote-signer', 'tuf/timestamp.key').toString());
    expect(toKeyObject(remote).asymmetricKeyType).toBe('ec');
  });
});

describe('signatures', () => {
  const msg = Buffer.from('{"a":1}');
  for (const [type, opts] of [
    ['ec', { namedCurve: 'prime256v1' }],
    ['ed25519', {}],
    ['rsa', { modulusLength: 2048 }],
  ] as const) {
    it(`${type}: signs as notary does and rejects a flipped bit`, () => {
      const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', opts as { namedCurve: string });
      const key = publicKeyJson(publicKey);
      const { method, sig } = signMessage(privateKey, msg);
      if (type === 'ec') expect(Buffer.from(sig, 'base64')).toHaveLength(64); // raw r||s, not DER
      expect(verifySignature(key, method, msg, sig)).toBe(true);
      const bad = Buffer.from(sig, 'base64');
      bad[5] ^= 1;
      expect(verifySignature(key, method, msg, bad.toString('base64'))).toBe(false);
      expect(verifySignature(key, method, Buffer.from('{"a":2}'), sig)).toBe(false);
    });
  }

  it('rejects a DER-encoded ECDSA signature', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const der = sign('sha256', msg, privateKey).toString('base64');
    expect(verifySignature(publicKeyJson(publicKey), 'ecdsa', msg, der)).toBe(false);
  });
});
