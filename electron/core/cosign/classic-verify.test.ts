/** The classic-signature verifier reaches the verdicts the real cosign / containers-image reach on their own samples. */
import { describe, it, expect } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { checkClassicLayer, type LayerInput } from './classic-verify.js';
import { publicKeyFromPem, rawToDer, verifyDer } from '../signing/ecdsa.js';
import { makePayload, parsePayload, sha256Digest, SIMPLESIGNING_MEDIA_TYPE, SIGNATURE_ANNOTATION } from './simple-signing.js';
import { sampleManifest, samplePublicKey, sampleSignature } from '../../../tests/support/cosign-samples.js';

const key = publicKeyFromPem(samplePublicKey('cosign.pub'));
const key2 = publicKeyFromPem(samplePublicKey('cosign2.pub'));
const digestOf = (dir: string) => {
  const m = sampleManifest(dir);
  return m ? sha256Digest(m) : undefined;
};
const sig = (dir: string, n = 1) => {
  const s = sampleSignature(dir, n);
  if (!s) throw new Error(`sample ${dir}/signature-${n} missing`);
  return s;
};

describe('classic cosign signatures: the samples', () => {
  it('dir-img-cosign-valid: valid, payload digest = sha256 of manifest.json', () => {
    const r = checkClassicLayer(sig('dir-img-cosign-valid'), key, digestOf('dir-img-cosign-valid'));
    expect(r.verdict).toBe('valid');
    expect(r.payloadDigest).toBe('sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00');
    expect(r.dockerReference).toBe('192.168.64.2:5000/cosign-signed-single-sample');
  });
  it('dir-img-cosign-valid-2: both signatures valid', () => {
    const d = digestOf('dir-img-cosign-valid-2');
    expect([1, 2].map((n) => checkClassicLayer(sig('dir-img-cosign-valid-2', n), key, d).verdict)).toEqual(['valid', 'valid']);
  });
  it('dir-img-cosign-valid-with-tag (skopeo): valid, tag in the reference', () => {
    const r = checkClassicLayer(sig('dir-img-cosign-valid-with-tag'), key, digestOf('dir-img-cosign-valid-with-tag'));
    expect(r.verdict).toBe('valid');
    expect(r.dockerReference).toBe('192.168.64.2:5000/skopeo-signed:tag');
    expect(parsePayload(sig('dir-img-cosign-valid-with-tag').payload).optional).toMatchObject({ creator: 'containers/image 5.21.2-dev' });
  });
  it('dir-img-cosign-valid with cosign2.pub: signature invalid', () => {
    expect(checkClassicLayer(sig('dir-img-cosign-valid'), key2, digestOf('dir-img-cosign-valid')).verdict).toBe('invalid-signature');
  });
  it.each(['dir-img-cosign-manifest-digest-error', 'dir-img-cosign-modified-manifest', 'dir-img-cosign-no-manifest'])(
    '%s: signature valid, digest does not match: rejected',
    (dir) => {
      const r = checkClassicLayer(sig(dir), key, digestOf(dir));
      expect(r.verdict).toBe('digest-mismatch');
    },
  );
  it('dir-img-cosign-modified-manifest: the manifest digest differs from the one signed', () => {
    expect(digestOf('dir-img-cosign-modified-manifest')).not.toBe('sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00');
  });
  it('dir-img-cosign-mixed: one bad, one good', () => {
    const d = digestOf('dir-img-cosign-mixed');
    expect(sampleSignature('dir-img-cosign-mixed', 1)).toBeUndefined(); // its unknown-key signature is not among the samples
    expect(checkClassicLayer(sig('dir-img-cosign-mixed', 2), key, d).verdict).toBe('valid');
  });
  it('dir-img-cosign-other-attachment: text/plain, not a signature (even with a signature annotation that verifies)', () => {
    const s = sig('dir-img-cosign-other-attachment');
    expect(checkClassicLayer(s, key, digestOf('dir-img-cosign-other-attachment')).verdict).toBe('not-a-signature');
  });
  it('dir-img-cosign-key-rekor-valid: key-signed (by cosign2.pub), with a Rekor SET that key verification ignores', () => {
    const d = digestOf('dir-img-cosign-key-rekor-valid');
    expect(checkClassicLayer(sig('dir-img-cosign-key-rekor-valid'), key2, d).verdict).toBe('valid');
    expect(checkClassicLayer(sig('dir-img-cosign-key-rekor-valid'), key, d).verdict).toBe('invalid-signature');
  });
  it.each(['dir-img-cosign-pki-valid', 'dir-img-cosign-fulcio-rekor-valid'])('%s: certificate-based, not valid for a public key', (dir) => {
    const r = checkClassicLayer(sig(dir), key, digestOf(dir));
    expect(r.verdict).toBe('invalid-signature');
    expect(r.hasCertificate || dir.includes('fulcio')).toBe(true);
  });
  it('a truncated signature is invalid', () => {
    const s = sig('dir-img-cosign-valid');
    const b = Buffer.from(s.annotations[SIGNATURE_ANNOTATION]!, 'base64');
    const cut: LayerInput = { ...s, annotations: { [SIGNATURE_ANNOTATION]: b.subarray(0, b.length - 3).toString('base64') } };
    expect(checkClassicLayer(cut, key, digestOf('dir-img-cosign-valid')).verdict).toBe('invalid-signature');
  });
});

describe('payload and DER', () => {
  it('makePayload writes what cosign writes (same bytes as the sample payload for the same inputs)', () => {
    const s = sig('dir-img-cosign-valid');
    const p = parsePayload(s.payload);
    expect(makePayload(p.dockerReference, p.manifestDigest).equals(s.payload)).toBe(true);
  });
  it('raw r||s from a token becomes DER that verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 30; i++) {
      const data = Buffer.from(`m${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(verifyDer(publicKey, data, rawToDer(raw))).toBe(true);
    }
    const payload = makePayload('r/x:1', 'sha256:' + 'a'.repeat(64));
    const der = sign('sha256', payload, privateKey);
    const layer = { mediaType: SIMPLESIGNING_MEDIA_TYPE, payload, annotations: { [SIGNATURE_ANNOTATION]: der.toString('base64') } };
    expect(checkClassicLayer(layer, publicKey, 'sha256:' + 'a'.repeat(64)).verdict).toBe('valid');
    expect(checkClassicLayer(layer, publicKey, 'sha256:' + 'b'.repeat(64)).verdict).toBe('digest-mismatch');
  });
});
