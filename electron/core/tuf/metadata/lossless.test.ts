import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { parseTargets } from './targets.js';
import { parseRoot } from './root.js';
import { serialiseEnvelope, verifyThreshold } from './envelope.js';
import { canonicalBytes } from '../canonical-json.js';
import { certificateKeyJson, keyId, toKeyObject } from '../keys.js';
import { signMessage, verifySignature } from '../signatures.js';
import { sampleFile } from '../../../../tests/support/samples.js';

describe('role models keep every field', () => {
  it('re-serialising a real targets file keeps its signatures valid', () => {
    const root = parseRoot(sampleFile('team', 'tuf/root.json'));
    const env = parseTargets('targets', sampleFile('team', 'tuf/targets.json'));
    const again = parseTargets('targets', serialiseEnvelope(env.signed, env.signatures));
    expect(again.signed).toEqual(env.signed);
    expect(verifyThreshold(again, root.signed.keys, root.signed.roles.targets)).toHaveLength(1);
  });

  it('keeps fields it does not know, so a signature over them still verifies', () => {
    const env = parseTargets('targets', sampleFile('app', 'tuf/targets.json'));
    const extended = { ...env.signed, x_custom_field: { nested: [1, 'two'] } };
    const raw = Buffer.from(JSON.stringify({ signed: extended, signatures: [] }));
    const parsed = parseTargets('targets', raw);
    expect(parsed.signed.x_custom_field).toEqual({ nested: [1, 'two'] });
    expect(canonicalBytes(parsed.signed).toString()).toContain('"x_custom_field":{"nested":[1,"two"]}');
  });
});

describe('rsa-x509 keys', () => {
  it('verify RSA-PSS signatures with a certificate-wrapped RSA key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustdesk-rsa-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '30',
        '-subj',
        '/CN=rsa.example.test',
      ],
      { stdio: 'ignore' },
    );
    const key = certificateKeyJson(readFileSync(join(dir, 'c.pem'), 'utf8'), 'rsa-x509');
    expect(keyId(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(toKeyObject(key).asymmetricKeyType).toBe('rsa');
    const msg = Buffer.from('{"signed":1}');
    const { method, sig } = signMessage(createPrivateKey(readFileSync(join(dir, 'k.pem'))), msg);
    expect(method).toBe('rsapss');
    expect(verifySignature(key, method, msg, sig)).toBe(true);
    expect(verifySignature(key, 'ecdsa', msg, sig)).toBe(false);
  });
});
