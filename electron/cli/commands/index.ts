/** Every `trustdesk` command. Add a command by adding its module here. */
import type { Command } from '../cli-support.js';
import { inspectCommand } from './inspect.js';
import { statusCommand } from './status.js';
import { keyCommand } from './key.js';
import { verifyCommand } from './verify.js';
import { archiveCommand } from './archive.js';
import { pinCommand } from './pin.js';
import { initCommand } from './init.js';
import { signCommand } from './sign.js';
import { revokeCommand } from './revoke.js';
import { signerCommand } from './signer.js';
import { withKeyRotate } from './key-rotate.js';
import { publishCommand } from './publish.js';
import { tokenCommand } from './token.js';
import { auditCommand } from './audit.js';
import { ciSignerCommand } from './ci-signer.js';
import { cosignCommand } from './cosign.js';
import { migrateCommand } from './migrate.js';
import { rootCommand, bundleCommand, ceremonyCommand } from './ceremony.js';

export const COMMANDS: Command[] = [
  inspectCommand,
  statusCommand,
  verifyCommand,
  archiveCommand,
  pinCommand,
  initCommand,
  signCommand,
  revokeCommand,
  signerCommand,
  publishCommand,
  auditCommand,
  ciSignerCommand,
  cosignCommand,
  migrateCommand,
  withKeyRotate(keyCommand),
  tokenCommand,
  rootCommand,
  bundleCommand,
  ceremonyCommand,
];
