#!/usr/bin/env node
// Entry point of the `trustdesk` command: runs the compiled CLI (npm run build).
import { main } from '../dist/electron/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`trustdesk: internal error: ${err?.message ?? err}\n`); process.exitCode = 70; },
);
