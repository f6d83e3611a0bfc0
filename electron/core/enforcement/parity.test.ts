import { describe, it, expect } from 'vitest';
import { parityCounts, tagParity, type ParityInput } from './parity.js';

const base: ParityInput = {
  repository: 'r.example/team/app',
  tag: 'v1',
  digest: `sha256:${'a'.repeat(64)}`,
  dctVerdict: 'signed',
  dctSigners: ['alice'],
  cosignKeys: ['alice'],
  count: 1,
  migratedSigners: ['alice'],
  signers: ['alice', 'bob'],
};

describe('tagParity', () => {
  it('both accept / both refuse', () => {
    expect(tagParity(base)).toMatchObject({ outcome: 'same', dct: { accepts: true }, cosign: { accepts: true } });
    expect(tagParity({ ...base, dctVerdict: 'unsigned', dctSigners: [], cosignKeys: [] })).toMatchObject({
      outcome: 'refused-by-both',
      detail: 'refused by both (content trust: unsigned)',
    });
    expect(tagParity({ ...base, dctVerdict: 'signed-not-in-registry', cosignKeys: [] }).outcome).toBe('refused-by-both');
  });

  it('signed only by a delegation whose key was not migrated', () => {
    const r = tagParity({ ...base, dctSigners: ['bob'], cosignKeys: [] });
    expect(r.outcome).toBe('signer-not-migrated');
    expect(r.detail).toContain('only by bob');
  });

  it('a signer that was migrated, or the repository admin, without a cosign signature yet', () => {
    expect(tagParity({ ...base, cosignKeys: [] }).outcome).toBe('no-cosign-signature-yet');
    expect(tagParity({ ...base, dctSigners: ['alice', 'bob'], cosignKeys: [] }).outcome).toBe('no-cosign-signature-yet');
    expect(tagParity({ ...base, dctSigners: ['Repo Admin'], cosignKeys: [] }).outcome).toBe('no-cosign-signature-yet');
    // no key maps to a DCT signer (a fresh cosign key): never "signer not migrated"
    expect(tagParity({ ...base, dctSigners: ['bob'], cosignKeys: [], migratedSigners: [] }).outcome).toBe('no-cosign-signature-yet');
  });

  it('below the count is not accepted; an unreadable signature is not accepted', () => {
    const r = tagParity({ ...base, count: 2 });
    expect(r).toMatchObject({ outcome: 'no-cosign-signature-yet', cosign: { accepts: false, detail: 'signed by alice (needs 2)' } });
    expect(tagParity({ ...base, cosignError: 'NETWORK_TIMEOUT: slow' }).cosign.accepts).toBe(false);
  });

  it('cosign accepts what content trust refused', () => {
    expect(tagParity({ ...base, dctVerdict: 'digest-mismatch' }).outcome).toBe('cosign-only');
    expect(tagParity({ ...base, dctVerdict: 'unsigned', dctSigners: [] }).outcome).toBe('cosign-only');
  });

  it('parityCounts counts every outcome', () => {
    expect(parityCounts([tagParity(base), tagParity({ ...base, cosignKeys: [] })])).toEqual({
      same: 1,
      'refused-by-both': 0,
      'signer-not-migrated': 0,
      'no-cosign-signature-yet': 1,
      'cosign-only': 0,
    });
  });
});
