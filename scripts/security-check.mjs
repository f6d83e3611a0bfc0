#!/usr/bin/env node
// CI security check: runs @doyensec/electronegativity over the app (main, preload, handlers, renderer
// sources and the built index.html with its CSP) and fails on any HIGH (or CRITICAL) finding.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const builtHtml = join(root, 'dist/renderer/index.html');
if (!existsSync(builtHtml)) {
  console.error('security: dist/renderer/index.html is missing: run npm run build:renderer first');
  process.exit(1);
}
const stage = mkdtempSync(join(tmpdir(), 'trustdesk-eneg-'));
for (const dir of ['electron/main', 'electron/preload', 'electron/app', 'renderer/src']) {
  cpSync(join(root, dir), join(stage, dir), { recursive: true, filter: (p) => !p.endsWith('.test.ts') });
}
cpSync(builtHtml, join(stage, 'renderer/index.html'));
cpSync(join(root, 'package.json'), join(stage, 'package.json'));
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const report = join(stage, 'electronegativity.csv');
execFileSync(
  process.execPath,
  [join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'), '-i', stage, '-r', '-v', 'false', '-e', electronVersion, '-o', report],
  { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
);
/** Parses CSV text: fields optionally in double quotes ("" for a quote, newlines allowed inside). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cur);
      cur = '';
    } else if (c === '\n') {
      row.push(cur);
      rows.push(row);
      row = [];
      cur = '';
    } else if (c !== '\r') cur += c;
  }
  if (cur || row.length) {
    row.push(cur);
    rows.push(row);
  }
  return rows;
}
const findings = parseCsv(readFileSync(report, 'utf8'))
  .slice(1)
  .filter((r) => r.length >= 5)
  .map(([issue, severity, confidence, file, location]) => ({ issue, severity: severity.trim(), confidence: confidence.trim(), file, location }));
for (const f of findings) console.log(`security: ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.issue} ${f.file}:${f.location}`);
const high = findings.filter((f) => /HIGH|CRITICAL/.test(f.severity));
rmSync(stage, { recursive: true, force: true });
if (high.length) {
  console.error(`security: ${high.length} high-severity electronegativity finding(s)`);
  process.exit(1);
}
console.log(`security: electronegativity (Electron ${electronVersion}): ${findings.length} findings, none of high severity`);
