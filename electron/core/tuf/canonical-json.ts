/**
 * Canonical JSON exactly as Notary signs it (github.com/docker/go/canonical/json, OLPC style):
 * - object keys sorted by their UTF-8 bytes (JS's default sort compares UTF-16 code units, which
 *   orders characters above U+FFFF differently from U+E000..U+FFFF);
 * - no insignificant whitespace; integers only (floats cannot be signed);
 * - strings escape only `"` and `\`; every other character is written as literal UTF-8.
 *
 * What Notary serves is Go's json.Marshal output, which additionally HTML-escapes `<`, `>`, `&` and
 * U+2028/U+2029. That escaping is not part of what is signed: parse the served file, then
 * re-canonicalise the `signed` value (see metadata/envelope.ts). Hashes and lengths, by contrast,
 * always cover the raw served bytes.
 */
import { TrustDeskError } from '../base/errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Compares two strings by their UTF-8 encodings, byte by byte. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const SURROGATE = /[\uD800-\uDFFF]/;
const NEEDS_ESCAPE = /[\\"]/;

/**
 * Keys in UTF-8 byte order. Without surrogates (characters above U+FFFF), UTF-16 code-unit order is
 * UTF-8 byte order, so the default sort is exact and avoids encoding every key for every comparison.
 */
function sortKeys(keys: string[]): string[] {
  for (const k of keys) if (SURROGATE.test(k)) return keys.sort(compareUtf8);
  return keys.sort();
}

function encodeString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"` : `"${s}"`;
}

function encode(value: unknown, depth: number): string {
  if (depth > 200) throw new TrustDeskError('METADATA_MALFORMED', 'JSON nesting is too deep to canonicalise');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return encodeString(value);
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new TrustDeskError('METADATA_MALFORMED', `canonical JSON allows only integers, found ${value}`);
      }
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + encode(value[i], depth + 1);
        return `${out}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys: string[] = [];
      for (const k in obj) if (Object.prototype.hasOwnProperty.call(obj, k) && obj[k] !== undefined) keys.push(k);
      sortKeys(keys);
      let out = '{';
      for (let i = 0; i < keys.length; i++) out += `${i > 0 ? ',' : ''}${encodeString(keys[i]!)}:${encode(obj[keys[i]!], depth + 1)}`;
      return `${out}}`;
    }
    default:
      throw new TrustDeskError('METADATA_MALFORMED', `cannot canonicalise a value of type ${typeof value}`);
  }
}

/** The canonical form of a JSON value, as a string. */
export function canonicalString(value: unknown): string {
  return encode(value, 0);
}

/** The canonical form of a JSON value, as the UTF-8 bytes that are signed or hashed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalString(value), 'utf8');
}

/**
 * Encodes a string the way Go's encoding/json does by default (json.Marshal / MarshalIndent):
 * HTML-escapes <, >, & and U+2028/U+2029, uses \n \r \t and \u00XX for other control characters.
 * Used to reproduce served files and `docker trust inspect` output byte for byte.
 */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '<':
        out += '\\u003c';
        break;
      case '>':
        out += '\\u003e';
        break;
      case '&':
        out += '\\u0026';
        break;
      default:
        if (cp < 0x20) out += `\\u${cp.toString(16).padStart(4, '0')}`;
        else if (cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16)}`;
        else if (cp >= 0xd800 && cp <= 0xdfff)
          out += '\ufffd'; // lone surrogate: Go writes U+FFFD
        else out += ch;
    }
  }
  return `${out}"`;
}

/**
 * Go's json.MarshalIndent(value, "", indent): object keys in insertion order (Go structs keep field
 * order), arrays and objects broken over lines, empty ones as [] and {}.
 */
export function goJsonIndent(value: unknown, indent = '    ', level = 0): string {
  const pad = indent.repeat(level + 1);
  const close = indent.repeat(level);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + goJsonIndent(v, indent, level + 1)).join(',\n')}\n${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${goJsonString(k)}: ${goJsonIndent(v, indent, level + 1)}`).join(',\n')}\n${close}}`;
}

/** JSON.parse with a typed error naming what was being read. */
export function parseJson(bytes: Buffer | string, what: string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    throw new TrustDeskError('METADATA_MALFORMED', `${what} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
