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
/** Splits one CSV line (fields optionally in double quotes, "" for a quote). */
function csvFields(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}
const rows = readFileSync(report, 'utf8').trim().split('\n').slice(1).filter(Boolean);
const findings = rows.map((line) => {
  const [issue, severity, confidence, file, location] = csvFields(line);
  return { issue, severity, confidence, file, location };
});
for (const f of findings) console.log(`security: ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.issue} ${f.file}:${f.location}`);
const high = findings.filter((f) => /HIGH|CRITICAL/.test(f.severity));
rmSync(stage, { recursive: true, force: true });
if (high.length) {
  console.error(`security: ${high.length} high-severity electronegativity finding(s)`);
  process.exit(1);
}
console.log(`security: electronegativity (Electron ${electronVersion}): ${findings.length} findings, none of high severity`);
