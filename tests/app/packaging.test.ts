import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const config = JSON.parse(readFileSync(resolve(ROOT, 'build/electron-builder.json'), 'utf8'));

describe('electron-builder configuration (build/electron-builder.json)', () => {
  it('is valid for electron-builder', async () => {
    const { validateConfiguration } = createRequire(import.meta.url)('app-builder-lib/out/util/config/config.js');
    const { $schema: _schema, ...rest } = config;
    await expect(validateConfiguration(rest, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('sets the Electron fuses: no run-as-node, no NODE_OPTIONS or inspect flags, asar-only with integrity', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('packages Linux AppImage and deb, macOS and Windows, with the built app only', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
    expect(config.files).toEqual(expect.arrayContaining(['dist/renderer/**/*', 'dist/preload/preload.cjs', 'dist/electron/main/**/*.js']));
    expect(config.files.some((f: string) => f.includes('lab'))).toBe(false);
  });
});

/** Every module the built main process loads, following relative imports from dist/electron/main/main.js. */
function mainProcessModules(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) visit(resolve(dirname(file), m[1]!));
  };
  visit(resolve(ROOT, 'dist/electron/main/main.js'));
  return [...seen].map((f) => relative(ROOT, f));
}

describe('the packaged files', () => {
  it.skipIf(!existsSync(resolve(ROOT, 'dist/electron/main/main.js')))('hold every module the main process imports', () => {
    const includes = (config.files as string[]).filter((f) => !f.startsWith('!') && f.endsWith('**/*.js')).map((f) => f.replace('**/*.js', ''));
    const excludes = (config.files as string[]).filter((f) => f.startsWith('!dist/')).map((f) => f.slice(1).replace('**', ''));
    const modules = mainProcessModules();
    expect(modules.length).toBeGreaterThan(10);
    for (const m of modules) {
      expect(
        includes.some((p) => m.startsWith(p)),
        `${m} is not packaged`,
      ).toBe(true);
      expect(
        excludes.some((p) => m.startsWith(p)),
        `${m} is excluded from the package`,
      ).toBe(false);
    }
    expect(modules.some((m) => m.includes('/lab/') || m.includes('test-support'))).toBe(false);
  });
});
