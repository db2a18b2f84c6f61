import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, EXIT } from './cli-error';

export interface StoredProfile {
  /** Base URL of the LabKeys deployment, e.g. https://labkeys.example.edu */
  url: string;
  /** The student access token (lks_…) or school sign-in token (lkc_…): a secret, so the file is readable by its owner only. */
  token: string;
}

interface StoreFile {
  profiles: Record<string, StoredProfile>;
}

/** `$XDG_CONFIG_HOME/labkeys/profiles.json` (`~/.config/labkeys/…` by default), mode 0600 in a 0700 folder. */
export function profileStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/')
      ? env.XDG_CONFIG_HOME
      : join(env.HOME ?? homedir(), '.config');
  return join(base, 'labkeys', 'profiles.json');
}

export class ProfileStore {
  constructor(private readonly path = profileStorePath()) {}

  get(name: string): StoredProfile {
    const profile = this.read().profiles[name];
    if (!profile)
      throw new CliError(
        `No access link stored for profile "${name}". Run: labkeys login <access-link> --profile ${name}`,
        EXIT.notLoggedIn,
      );
    return profile;
  }

  set(name: string, profile: StoredProfile): void {
    const file = this.read();
    file.profiles[name] = profile;
    this.write(file);
  }

  /** False when there was nothing to remove. */
  remove(name: string): boolean {
    const file = this.read();
    if (!(name in file.profiles)) return false;
    delete file.profiles[name];
    this.write(file);
    return true;
  }

  private read(): StoreFile {
    if (!existsSync(this.path)) return { profiles: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<StoreFile>;
      return { profiles: parsed.profiles ?? {} };
    } catch {
      throw new CliError(`${this.path} is not valid JSON; remove it and log in again`, EXIT.failed);
    }
  }

  private write(file: StoreFile): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.path);
  }
}
