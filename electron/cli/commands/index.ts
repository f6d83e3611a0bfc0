/**
 * Every `trustdesk` command. A command's module is loaded only when that command runs (the CLI is
 * bundled with code splitting), so `trustdesk inspect` does not pay for loading the ceremony, cosign
 * or audit code. Add a command by adding a line here.
 */
import type { Command } from '../cli-support.js';

export interface CommandEntry {
  name: string;
  load: () => Promise<Command>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'inspect', load: async () => (await import('./inspect.js')).inspectCommand },
  { name: 'status', load: async () => (await import('./status.js')).statusCommand },
  { name: 'verify', load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'archive', load: async () => (await import('./archive.js')).archiveCommand },
  { name: 'pin', load: async () => (await import('./pin.js')).pinCommand },
  { name: 'init', load: async () => (await import('./init.js')).initCommand },
  { name: 'sign', load: async () => (await import('./sign.js')).signCommand },
  { name: 'revoke', load: async () => (await import('./revoke.js')).revokeCommand },
  { name: 'signer', load: async () => (await import('./signer.js')).signerCommand },
  { name: 'publish', load: async () => (await import('./publish.js')).publishCommand },
  { name: 'audit', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'ci-signer', load: async () => (await import('./ci-signer.js')).ciSignerCommand },
  { name: 'cosign', load: async () => (await import('./cosign.js')).cosignCommand },
  { name: 'migrate', load: async () => (await import('./migrate.js')).migrateCommand },
  {
    name: 'key',
    load: async () => {
      const [{ keyCommand }, { withKeyRotate }] = await Promise.all([import('./key.js'), import('./key-rotate.js')]);
      return withKeyRotate(keyCommand);
    },
  },
  { name: 'token', load: async () => (await import('./token.js')).tokenCommand },
  { name: 'root', load: async () => (await import('./ceremony.js')).rootCommand },
  { name: 'bundle', load: async () => (await import('./ceremony.js')).bundleCommand },
  { name: 'ceremony', load: async () => (await import('./ceremony.js')).ceremonyCommand },
  { name: 'renew', load: async () => (await import('./renew.js')).renewCommand },
];
