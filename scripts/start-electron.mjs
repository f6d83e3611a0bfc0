#!/usr/bin/env node
// `npm start`: launches the built app with the Electron binary, or explains how to get the binary.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronPath;
try {
  electronPath = require('electron');
} catch (err) {
  console.error(`trustdesk: the Electron binary is missing (${err.message.split('\n')[0]}).
  It is downloaded by 'npm ci' on a normal machine. To get it now, run:
    node node_modules/electron/install.js
  (or 'npm rebuild electron' without ELECTRON_SKIP_BINARY_DOWNLOAD set), then 'npm start' again.`);
  process.exit(1);
}
const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
