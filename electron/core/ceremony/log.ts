/**
 * The ceremony log: one JSON object per line, each entry hash-chained to the one before it.
 *
 *   {"v":1,"seq":N,"time":ISO,"step":"…","keyIds":[…],"hashes":{name:sha256hex},"details":{…},
 *    "prev":"<hash of entry N-1, or 64 zeros>","hash":"<sha256 hex of the canonical JSON of the entry without hash>"}
 *
 * Appending re-verifies the whole chain first (a broken log is never extended). Nothing secret is
 * ever logged: key IDs, hashes, names, paths and counts only. Format in docs/ceremony.md.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { canonicalBytes } from '../tuf/canonical-json.js';
import { TrustDeskError } from '../base/errors.js';

export const LOG_VERSION = 1;
export const GENESIS = '0'.repeat(64);

export interface LogEntry {
  v: number;
  seq: number;
  time: string;
  step: string;
  keyIds: string[];
  hashes: Record<string, string>;
  details: Record<string, string | number | boolean | string[]>;
  prev: string;
  hash: string;
}

export type LogInput = Pick<LogEntry, 'step'> & Partial<Pick<LogEntry, 'keyIds' | 'hashes' | 'details'>>;

export function entryHash(e: Omit<LogEntry, 'hash'>): string {
  const { v, seq, time, step, keyIds, hashes, details, prev } = e;
  return createHash('sha256').update(canonicalBytes({ v, seq, time, step, keyIds, hashes, details, prev })).digest('hex');
}

export interface LogVerification {
  ok: boolean;
  entries: number;
  /** Hash of the last entry: the value to write down on paper at the end of a ceremony. */
  head: string;
  /** 1-based line of the first problem. */
  problem?: { line: number; message: string };
}

/** Checks every line: parse, version, sequence, link to the previous hash, own hash. */
export function verifyLogText(text: string): LogVerification {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let prev = GENESIS;
  for (let i = 0; i < lines.length; i++) {
    const fail = (message: string): LogVerification => ({ ok: false, entries: i, head: prev, problem: { line: i + 1, message } });
    let e: LogEntry;
    try {
      e = JSON.parse(lines[i]!) as LogEntry;
    } catch {
      return fail('not a JSON object');
    }
    if (typeof e !== 'object' || e === null || e.v !== LOG_VERSION) return fail(`unsupported entry version ${String((e as { v?: unknown })?.v)}`);
    if (e.seq !== i + 1) return fail(`sequence number ${String(e.seq)}, expected ${i + 1} (an entry was removed, added or reordered)`);
    if (e.prev !== prev) return fail('does not link to the previous entry (prev hash differs)');
    if (
      typeof e.step !== 'string' ||
      !Array.isArray(e.keyIds) ||
      typeof e.hashes !== 'object' ||
      typeof e.details !== 'object' ||
      typeof e.time !== 'string'
    )
      return fail('missing fields');
    if (entryHash(e) !== e.hash) return fail('its content does not match its hash (the entry was changed)');
    prev = e.hash;
  }
  return { ok: true, entries: lines.length, head: prev };
}

export class CeremonyLog {
  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }
  }

  async verify(): Promise<LogVerification> {
    return verifyLogText(await this.read());
  }

  /** Appends one step; refuses to extend a log whose chain is broken. */
  async append(input: LogInput): Promise<LogEntry> {
    const check = await this.verify();
    if (!check.ok)
      throw new TrustDeskError(
        'CEREMONY_LOG_INVALID',
        `the ceremony log ${this.path} is broken at line ${check.problem!.line}: ${check.problem!.message}; not extended`,
      );
    const body: Omit<LogEntry, 'hash'> = {
      v: LOG_VERSION,
      seq: check.entries + 1,
      time: this.now().toISOString(),
      step: input.step,
      keyIds: input.keyIds ?? [],
      hashes: input.hashes ?? {},
      details: input.details ?? {},
      prev: check.head,
    };
    const entry: LogEntry = { ...body, hash: entryHash(body) };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendFile(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    return entry;
  }
}
