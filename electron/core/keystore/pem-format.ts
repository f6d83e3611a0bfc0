/**
 * PEM blocks as notary and docker write them: `-----BEGIN <LABEL>-----`, optional RFC 1421 headers
 * (`name: value`, one per line, then a blank line), base64 body in 64-character lines, `-----END-----`.
 *
 * Writing follows Go's encoding/pem exactly (headers sorted by name, `Proc-Type` first if present,
 * 64-column base64, trailing newline), so a file we write is byte-for-byte what notary would write
 * for the same DER and headers. Reading is tolerant: CRLF, surrounding text, several blocks per file.
 */
import { TrustDeskError } from '../base/errors.js';

export interface PemBlock {
  label: string;
  /** Header names as written (notary uses lowercase `role`, `gun`, `path`; OpenSSL `Proc-Type`, `DEK-Info`). */
  headers: Record<string, string>;
  /** The decoded body. */
  der: Buffer;
}

const BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every PEM block in a text; [] when there is none. */
export function parsePemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK_RE)) {
    const label = m[1]!;
    const lines = m[2]!.split(/\r?\n/);
    const headers: Record<string, string> = {};
    let i = 0;
    // Headers: lines with a colon before the first blank line (base64 never contains ':').
    if (lines.length > 0 && lines[0]!.includes(':')) {
      for (; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.trim() === '') {
          i++;
          break;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw new TrustDeskError('KEY_FORMAT_INVALID', `PEM ${label} block has a malformed header line`);
        headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
    }
    const body = lines.slice(i).join('').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) {
      throw new TrustDeskError('KEY_FORMAT_INVALID', `PEM ${label} block has an invalid base64 body`);
    }
    out.push({ label, headers, der: Buffer.from(body, 'base64') });
  }
  return out;
}

/** Encodes one block the way Go's pem.Encode does. */
export function encodePem(block: PemBlock): string {
  let s = `-----BEGIN ${block.label}-----\n`;
  const names = Object.keys(block.headers).filter((n) => n !== 'Proc-Type');
  names.sort();
  if (block.headers['Proc-Type'] !== undefined) names.unshift('Proc-Type');
  for (const n of names) {
    const v = block.headers[n]!;
    if (/[\r\n]/.test(n + v) || n.includes(':')) throw new TrustDeskError('INVALID_ARGUMENT', `PEM header ${JSON.stringify(n)} cannot be encoded`);
    s += `${n}: ${v}\n`;
  }
  if (names.length > 0) s += '\n';
  const b64 = block.der.toString('base64');
  for (let i = 0; i < b64.length; i += 64) s += `${b64.slice(i, i + 64)}\n`;
  s += `-----END ${block.label}-----\n`;
  return s;
}
