/**
 * The timeline of each HTTP exchange, for `npm run bench -- --trace` and for finding where a slow
 * command waits. The HTTP client records one event per attempt only when a hook is given (the
 * default is none, and then nothing is measured or kept). Times are `performance.now()`: milliseconds
 * since the process started, so the first request's start also shows the start-up cost. An event
 * holds the method, host, path (never the query: it may carry signed tokens), status and sizes; no
 * header and no body.
 */
export interface HttpTraceEvent {
  method: string;
  /** `host:port` as in the URL. */
  host: string;
  /** The URL's path only. */
  path: string;
  /** The request was made (queued on the pool when every connection is busy). */
  start: number;
  /** A connection was assigned (a fresh socket, or a kept-alive one: `reused`). */
  socket?: number;
  /** TCP connected (fresh sockets only). */
  connect?: number;
  /** TLS handshake done (fresh https sockets only). */
  tls?: number;
  /** Response headers received. */
  firstByte?: number;
  /** Body complete, or the attempt failed. */
  end: number;
  reused: boolean;
  status?: number;
  bytes: number;
  /** The error code when the attempt failed. */
  error?: string;
}

export type HttpTraceHook = (event: HttpTraceEvent) => void;

const ms = (t: number | undefined, origin: number): string => (t === undefined ? '' : (t - origin).toFixed(1));

/**
 * A readable table of events, sorted by start, times in ms relative to `origin` (default 0: process
 * start): start, connection assigned, TCP connect, TLS done, first byte, end, status, bytes, path.
 */
export function formatTrace(events: readonly HttpTraceEvent[], origin = 0): string {
  const rows = [...events]
    .sort((a, b) => a.start - b.start)
    .map((e) => [
      ms(e.start, origin),
      e.reused ? 'reused' : ms(e.socket, origin),
      ms(e.connect, origin),
      ms(e.tls, origin),
      ms(e.firstByte, origin),
      ms(e.end, origin),
      e.error ?? (e.status === undefined ? '' : String(e.status)),
      String(e.bytes),
      `${e.method} ${e.path}`,
    ]);
  const head = ['start', 'socket', 'connect', 'tls', 'first byte', 'end', 'status', 'bytes', 'request'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : i === 6 || i === 8 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** Totals of a trace: requests, fresh connections, span from the first start to the last end, and when the first request started. */
export function summarizeTrace(events: readonly HttpTraceEvent[]): {
  requests: number;
  connections: number;
  firstStart: number;
  lastEnd: number;
  errors: number;
} {
  if (events.length === 0) return { requests: 0, connections: 0, firstStart: 0, lastEnd: 0, errors: 0 };
  return {
    requests: events.length,
    connections: events.filter((e) => !e.reused && e.socket !== undefined).length,
    firstStart: Math.min(...events.map((e) => e.start)),
    lastEnd: Math.max(...events.map((e) => e.end)),
    errors: events.filter((e) => e.error !== undefined || (e.status !== undefined && e.status >= 400)).length,
  };
}
