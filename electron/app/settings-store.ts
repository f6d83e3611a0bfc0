/**
 * The app's settings in one JSON file in the user-data dir: trust servers and CA files per registry,
 * the docker config dir (whose trust/ is the trust directory), offline mode and recent repositories.
 * Written atomically; a missing file gives the defaults, an unreadable one is reported, not replaced.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/base/fs-atomic.js';
import { TrustDeskError } from '../core/base/errors.js';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../shared/view-model.js';

export const SETTINGS_FILE_NAME = 'trustdesk-settings.json';
const MAX_RECENT = 20;

export class SettingsStore {
  readonly file: string;
  private current: Settings | undefined;

  constructor(userDataDir: string) {
    this.file = join(userDataDir, SETTINGS_FILE_NAME);
  }

  async get(): Promise<Settings> {
    if (this.current) return this.current;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return (this.current = structuredClone(DEFAULT_SETTINGS));
      throw new TrustDeskError('CONFIG_INVALID', `cannot read settings ${this.file}: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new TrustDeskError('CONFIG_INVALID', `settings ${this.file} is not JSON: ${(err as Error).message}`);
    }
    const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(json as object) });
    if (!parsed.success) throw new TrustDeskError('CONFIG_INVALID', `settings ${this.file}: ${parsed.error.issues[0]?.message}`);
    return (this.current = parsed.data);
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = settingsSchema.parse({ ...(await this.get()), ...patch });
    await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    this.current = next;
    return next;
  }

  async addRecent(name: string): Promise<Settings> {
    const s = await this.get();
    return this.update({ recent: [name, ...s.recent.filter((r) => r !== name)].slice(0, MAX_RECENT) });
  }

  async removeRecent(name: string): Promise<Settings> {
    const s = await this.get();
    return this.update({ recent: s.recent.filter((r) => r !== name) });
  }
}
