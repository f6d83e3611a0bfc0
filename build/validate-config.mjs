#!/usr/bin/env node
// Validates build/electron-builder.json against electron-builder's own schema, without packaging
// (a package build downloads Electron). Exit 0 when valid.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
const file = new URL('./electron-builder.json', import.meta.url);
const config = JSON.parse(readFileSync(file, 'utf8'));
delete config.$schema;
try {
  await validateConfiguration(config, { isEnabled: false, add() {} });
  console.log('build/electron-builder.json: valid electron-builder configuration');
} catch (err) {
  console.error(`build/electron-builder.json: ${err.message}`);
  process.exit(1);
}
