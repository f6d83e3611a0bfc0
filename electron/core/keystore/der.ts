/**
 * The little DER (ASN.1) the keystore needs: definite-length TLVs, SEQUENCE, INTEGER, OCTET STRING,
 * OID, NULL and context tags. Reading is strict (no indefinite lengths, no trailing bytes where a
 * caller asks for exactly one value); anything malformed is KEY_FORMAT_INVALID.
 */
import { TrustDeskError } from '../base/errors.js';

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

export interface Tlv {
  tag: number;
  /** The value bytes (a view into the input). */
  value: Buffer;
  /** The whole encoding, tag and length included. */
  raw: Buffer;
}

function bad(what: string): TrustDeskError {
  return new TrustDeskError('KEY_FORMAT_INVALID', `malformed key data (${what})`);
}

/** Reads one TLV at `offset`; returns it and the offset after it. */
export function readTlv(buf: Buffer, offset = 0): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw bad('truncated');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw bad('multi-byte tag');
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw bad('unsupported length');
    if (p + n > buf.length) throw bad('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw bad('truncated value');
  return { tlv: { tag, value: buf.subarray(p, p + len), raw: buf.subarray(offset, p + len) }, next: p + len };
}

/** Exactly one TLV, with the expected tag. */
export function readOne(buf: Buffer, tag?: number): Tlv {
  const { tlv, next } = readTlv(buf, 0);
  if (next !== buf.length) throw bad('trailing bytes');
  if (tag !== undefined && tlv.tag !== tag) throw bad(`expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** The children of a constructed value (SEQUENCE or context tag). */
export function children(tlv: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < tlv.value.length) {
    const { tlv: c, next } = readTlv(tlv.value, p);
    out.push(c);
    p = next;
  }
  return out;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw bad(what);
  return tlv;
}

/** A non-negative INTEGER as a JS number (small values only: versions, iteration counts). */
export function intValue(tlv: Tlv | undefined, what: string): number {
  const t = expectTag(tlv, TAG.INTEGER, what);
  if (t.value.length === 0 || t.value.length > 6 || t.value[0]! & 0x80) throw bad(what);
  let n = 0;
  for (const b of t.value) n = n * 256 + b;
  return n;
}

export function oidToString(tlv: Tlv | undefined, what: string): string {
  const t = expectTag(tlv, TAG.OID, what);
  const v = t.value;
  if (v.length === 0) throw bad(what);
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    acc = acc * 128 + (v[i]! & 0x7f);
    if (!(v[i]! & 0x80)) {
      if (parts.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        parts.push(first, acc - first * 40);
      } else parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

// --- writing ---

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(value.length), value]);
}

export function seq(...items: Buffer[]): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat(items));
}

export function octets(value: Buffer): Buffer {
  return tlv(TAG.OCTET_STRING, value);
}

export function int(n: number): Buffer {
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const nums = dotted.split('.').map(Number);
  const out: number[] = [nums[0]! * 40 + nums[1]!];
  for (const n of nums.slice(2)) {
    const chunk: number[] = [n & 0x7f];
    let v = Math.floor(n / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(out));
}
