/** Every `trustdesk` command. Add a command by adding its module here. */
import type { Command } from '../cli-support.js';
import { inspectCommand } from './inspect.js';
import { statusCommand } from './status.js';
import { keyCommand } from './key.js';

export const COMMANDS: Command[] = [inspectCommand, statusCommand, keyCommand];
