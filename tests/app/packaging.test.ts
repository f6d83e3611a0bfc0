import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

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
