/**
 * A progress line on stderr while many repositories load (`inspect`, `status`): only when stderr is
 * a terminal, so piped or redirected output (and `inspect`'s docker-identical stdout) never carries
 * it, and only for at least PROGRESS_MIN_REPOSITORIES. Redrawn in place at most every
 * PROGRESS_INTERVAL_MS and erased when done.
 */
import type { Io } from './cli-support.js';
import { CONNECTIONS_PER_HOST } from '../core/base/connection-limits.js';

export const PROGRESS_MIN_REPOSITORIES = 10;
export const PROGRESS_INTERVAL_MS = 100;

/** What `inspect --help` and `status --help` say about many repositories. */
export const MANY_REPOSITORIES_HELP =
  `Repositories load in parallel over at most ${CONNECTIONS_PER_HOST} connections per host; with ${PROGRESS_MIN_REPOSITORIES} or more, a\n` +
  `progress line is drawn on stderr when stderr is a terminal (never on stdout).\n`;

export interface Progress {
  /** One more repository done. */
  tick(): void;
  /** All done: the line is erased. */
  done(): void;
}

const NONE: Progress = { tick: () => undefined, done: () => undefined };

/** Whether a progress line is shown: stderr is a terminal and there are enough repositories. */
export function showsProgress(io: Pick<Io, 'stderrIsTTY'>, total: number): boolean {
  return io.stderrIsTTY === true && total >= PROGRESS_MIN_REPOSITORIES;
}

export function progressLine(io: Pick<Io, 'stderr' | 'stderrIsTTY'>, total: number, verb: string, clock: () => number = Date.now): Progress {
  if (!showsProgress(io, total)) return NONE;
  let done = 0;
  let drawnAt = -Infinity;
  let drawn = false;
  const draw = (): void => {
    io.stderr(`\r\x1b[K${verb} ${done}/${total} repositories`);
    drawn = true;
    drawnAt = clock();
  };
  draw();
  return {
    tick() {
      done++;
      if (clock() - drawnAt >= PROGRESS_INTERVAL_MS) draw();
    },
    done() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}
