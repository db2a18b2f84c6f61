import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { upsertIniSection } from '@labkeys/credentials';

/** Where the AWS CLI and SDKs read their files, honouring the same variables they do. */
export function awsConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_CONFIG_FILE ?? join(env.HOME ?? homedir(), '.aws', 'config');
}

export function awsCredentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE ?? join(env.HOME ?? homedir(), '.aws', 'credentials');
}

/**
 * Rewrites one section of an AWS file and nothing else, atomically (a crash leaves the old file), keeping
 * the file's mode — or `mode` for a new file (0600: credentials are secrets).
 */
export function writeAwsSection(path: string, section: string, entries: [string, string][], mode: number): void {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const after = upsertIniSection(before, section, entries);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const keepMode = existsSync(path) ? statSync(path).mode & 0o777 & mode : mode;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, after, { mode: keepMode });
  chmodSync(temp, keepMode);
  renameSync(temp, path);
}
