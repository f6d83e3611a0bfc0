/** A captured terminal for CLI tests: stdout, stderr, and a prompt that answers from a list (secret questions only). */
import { expect } from 'vitest';
import type { Io } from '../../electron/cli/cli-support.js';

export function capturedIo(answers: (string | undefined)[] = [], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  const io: Io = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    env,
    prompt: async (q, opts) => {
      // every question TrustDesk asks at a terminal is for a secret: nothing may echo
      expect(opts?.secret).toBe(true);
      questions.push(q);
      return answers.shift();
    },
  };
  return { io, out: () => out.join(''), err: () => err.join(''), questions };
}
