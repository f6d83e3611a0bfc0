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

function encodeString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function encode(value: unknown, out: string[], depth: number): void {
  if (depth > 200) throw new TrustDeskError('METADATA_MALFORMED', 'JSON nesting is too deep to canonicalise');
  if (value === null) {
    out.push('null');
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new TrustDeskError('METADATA_MALFORMED', `canonical JSON allows only integers, found ${value}`);
    }
    out.push(String(value));
  } else if (typeof value === 'string') {
    out.push(encodeString(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      encode(item, out, depth + 1);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort(compareUtf8);
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(encodeString(k), ':');
      encode(obj[k], out, depth + 1);
    });
    out.push('}');
  } else {
    throw new TrustDeskError('METADATA_MALFORMED', `cannot canonicalise a value of type ${typeof value}`);
  }
}

/** The canonical form of a JSON value, as a string. */
export function canonicalString(value: unknown): string {
  const out: string[] = [];
  encode(value, out, 0);
  return out.join('');
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
