/**
 * The fences of eslint.config.js hold: code that crosses a zone fails lint with the zone rule, and
 * code that stays inside passes. Nothing is written into the tree: ESLint lints text under a made-up
 * file name in the zone, and its imports resolve against the real files beside it.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const ZONE = 'import-x/no-restricted-paths';
const MODULE = 'no-restricted-imports';
const MODULE_CALL = 'no-restricted-syntax';

let eslint: ESLint;
beforeAll(async () => {
  eslint = new ESLint({ cwd: ROOT });
  // The first lint loads the config, the parser and the resolver: pay for it under the hook timeout.
  await eslint.lintText('export {};\n', { filePath: resolve(ROOT, 'shared/zz-warm-up.ts') });
});

/** The rule IDs ESLint reports for `code` as the file `file` (relative to the repository). */
async function rulesFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

/** A module that imports `spec` and uses what it imported. */
const importing = (spec: string) => `import * as m from '${spec}';\nexport const used = m;\n`;

describe('zone fences', () => {
  it.each([
    ['the renderer imports core', 'renderer/src/zz-fence.ts', importing('../../electron/core/base/errors.js')],
    ['the renderer imports the IPC handlers', 'renderer/src/views/zz-fence.tsx', importing('../../../electron/app/handlers.js')],
    [
      'the renderer imports a type from core',
      'renderer/src/zz-fence.ts',
      `import type { Verdict } from '../../electron/core/tuf/verdicts.js';\nexport type Used = Verdict;\n`,
    ],
    ['shared/ imports core', 'shared/zz-fence.ts', importing('../electron/core/base/errors.js')],
    ['shared/ imports the renderer', 'shared/ipc/zz-fence.ts', importing('../../renderer/src/format.js')],
    ['core/tuf imports core/session', 'electron/core/tuf/zz-fence.ts', importing('../session/trust-session.js')],
    ['core/tuf (a subfolder) imports core/signing', 'electron/core/tuf/metadata/zz-fence.ts', importing('../../signing/signer.js')],
    [
      'core/tuf imports core/session dynamically',
      'electron/core/tuf/zz-fence.ts',
      `export const load = () => import('../session/trust-session.js');\n`,
    ],
    ['core/base imports core/tuf', 'electron/core/base/zz-fence.ts', importing('../tuf/canonical-json.js')],
    ['core/keystore imports core/signing', 'electron/core/keystore/zz-fence.ts', importing('../signing/signer.js')],
    ['core/session imports core/publishing', 'electron/core/session/zz-fence.ts', importing('../publishing/changelist.js')],
    ['core/publishing imports core/use-cases', 'electron/core/publishing/zz-fence.ts', importing('../use-cases/keys/keys.js')],
    ['core imports the CLI', 'electron/core/use-cases/zz-fence.ts', importing('../../cli/cli-support.js')],
    ['core imports the IPC handlers', 'electron/core/use-cases/keys/zz-fence.ts', importing('../../../app/handlers.js')],
    ['core imports Electron main', 'electron/core/signing/zz-fence.ts', importing('../../main/paths.js')],
    ['core imports the PKCS#11 worker', 'electron/core/signing/token/zz-fence.ts', importing('../../../signer/worker.js')],
    ['core imports a test helper', 'electron/core/tuf/zz-fence.ts', importing('../../../tests/support/samples.js')],
  ])('%s: fails with the zone rule', async (_what, file, code) => {
    expect(await rulesFor(file, code)).toEqual([ZONE]);
  });

  it.each([
    ['electron from core', 'electron/core/base/zz-fence.ts', importing('electron'), MODULE],
    ['electron from the IPC handlers', 'electron/app/zz-fence.ts', `import { app } from 'electron';\nexport const used = app;\n`, MODULE],
    [
      'electron from the renderer',
      'renderer/src/zz-fence.ts',
      `import type { IpcRenderer } from 'electron';\nexport type Used = IpcRenderer;\n`,
      MODULE,
    ],
    ['electron from the PKCS#11 worker', 'electron/signer/zz-fence.ts', importing('electron'), MODULE],
    ['pkcs11js from core', 'electron/core/signing/token/zz-fence.ts', importing('pkcs11js'), MODULE],
    ['pkcs11js from Electron main', 'electron/main/zz-fence.ts', importing('pkcs11js'), MODULE],
    [
      'pkcs11js required from core',
      'electron/core/signing/token/zz-fence.ts',
      `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const lib = require('pkcs11js');\n`,
      MODULE_CALL,
    ],
    [
      'pkcs11js imported dynamically from core',
      'electron/core/signing/token/zz-fence.ts',
      `export const load = () => import('pkcs11js');\n`,
      MODULE_CALL,
    ],
    ['pkcs11js typed from core', 'electron/core/signing/token/zz-fence.ts', `export type Lib = typeof import('pkcs11js');\n`, MODULE_CALL],
    ['electron from a test beside core', 'electron/core/base/zz-fence.test.ts', importing('electron'), MODULE],
  ])('%s: fails with the module rule', async (_what, file, code, rule) => {
    expect(await rulesFor(file, code)).toEqual([rule]);
  });

  it('an import that does not resolve fails rather than slipping past the fences', async () => {
    expect(await rulesFor('electron/core/tuf/zz-fence.ts', importing('../sesion/trust-session.js'))).toEqual(['import-x/no-unresolved']);
  });

  it.each([
    ['the renderer imports shared/', 'renderer/src/zz-fence.ts', importing('../../shared/errors.js')],
    [
      'the renderer imports itself and npm packages',
      'renderer/src/views/zz-fence.tsx',
      `import { useState } from 'react';\nimport { formatSize } from '../format.js';\nexport const used = [useState, formatSize];\n`,
    ],
    ['shared/ imports npm packages', 'shared/zz-fence.ts', importing('zod')],
    ['core/tuf imports core/base', 'electron/core/tuf/metadata/zz-fence.ts', importing('../../base/errors.js')],
    ['core/keystore imports core/cache (one floor)', 'electron/core/keystore/zz-fence.ts', importing('../cache/trust-cache.js')],
    ['core/ceremony imports core/publishing (one floor)', 'electron/core/ceremony/zz-fence.ts', importing('../publishing/changelist.js')],
    ['core/use-cases imports core/session', 'electron/core/use-cases/keys/zz-fence.ts', importing('../../session/trust-session.js')],
    ['core imports shared/', 'electron/core/base/zz-fence.ts', importing('../../../shared/errors.js')],
    ['core/signing/token imports the worker protocol', 'electron/core/signing/token/zz-fence.ts', importing('../../../signer/protocol.js')],
    ['the CLI imports core/use-cases', 'electron/cli/zz-fence.ts', importing('../core/use-cases/keys/keys.js')],
    ['Electron main imports electron', 'electron/main/zz-fence.ts', importing('electron')],
    ['preload imports electron', 'electron/preload/zz-fence.ts', importing('electron')],
    ['the PKCS#11 worker imports pkcs11js', 'electron/signer/zz-fence.ts', importing('pkcs11js')],
    ['a test beside core/tuf imports core/session', 'electron/core/tuf/zz-fence.test.ts', importing('../session/trust-session.js')],
  ])('%s: passes', async (_what, file, code) => {
    expect(await rulesFor(file, code)).toEqual([]);
  });
});
