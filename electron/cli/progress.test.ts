import { describe, expect, it } from 'vitest';
import { PROGRESS_INTERVAL_MS, PROGRESS_MIN_REPOSITORIES, progressLine, showsProgress } from './progress.js';

function fakeIo(stderrIsTTY: boolean | undefined) {
  const written: string[] = [];
  return { io: { stderr: (s: string) => void written.push(s), ...(stderrIsTTY === undefined ? {} : { stderrIsTTY }) }, written };
}

describe('progress line', () => {
  it('is drawn only when stderr is a terminal and there are enough repositories', () => {
    expect(showsProgress({ stderrIsTTY: true }, PROGRESS_MIN_REPOSITORIES)).toBe(true);
    expect(showsProgress({ stderrIsTTY: true }, PROGRESS_MIN_REPOSITORIES - 1)).toBe(false);
    expect(showsProgress({ stderrIsTTY: false }, 200)).toBe(false);
    expect(showsProgress({}, 200)).toBe(false);
  });

  it('writes nothing at all when stderr is not a terminal (piped output stays as docker prints it)', () => {
    const { io, written } = fakeIo(false);
    const p = progressLine(io, 200, 'inspect:');
    for (let i = 0; i < 200; i++) p.tick();
    p.done();
    expect(written).toEqual([]);
  });

  it('redraws in place at most every interval and erases the line when done', () => {
    const { io, written } = fakeIo(true);
    let now = 1000;
    const p = progressLine(io, 12, 'status:', () => now);
    expect(written).toEqual(['\r\x1b[Kstatus: 0/12 repositories']);
    p.tick(); // too soon: not drawn
    now += PROGRESS_INTERVAL_MS;
    p.tick();
    for (let i = 0; i < 9; i++) p.tick();
    now += PROGRESS_INTERVAL_MS;
    p.tick();
    p.done();
    p.done(); // twice: erased once
    expect(written).toEqual([
      '\r\x1b[Kstatus: 0/12 repositories',
      '\r\x1b[Kstatus: 2/12 repositories',
      '\r\x1b[Kstatus: 12/12 repositories',
      '\r\x1b[K',
    ]);
  });
});
