/** Asks a question on the terminal; secret answers are not echoed. No TTY → undefined (never blocks). */
import { createInterface } from 'node:readline';

export async function terminalPrompt(question: string, opts: { secret?: boolean } = {}): Promise<string | undefined> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (opts.secret) {
    // Echo nothing while the answer is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(question);
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    if (opts.secret) process.stderr.write('\n');
  }
}
