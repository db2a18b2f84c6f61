import { spawn } from 'node:child_process';
import {
  ALL_FORMATS,
  credentialProcessOutput,
  credentialsFileEntries,
  renderCredentialFormat,
  type CredentialFormatName,
} from '@labkeys/credentials';
import { awsConfigPath, awsCredentialsPath, writeAwsSection } from './aws-files';
import { CliError, EXIT } from './cli-error';
import { ProfileStore } from './profile-store';
import { chooseCourse, ssoLogin } from './sso-login';
import { parseAccessLink, StudentClient, type CurrentCredentials } from './student-client';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface Options {
  profile: string;
  format?: string;
  wait?: boolean;
  print?: boolean;
  /** How long --wait (and credential-process) wait for credentials being issued. */
  waitSeconds: number;
  /** login: through the school's sign-in (the argument is its LabKeys sign-in page), not an access link. */
  sso?: boolean;
  /** login --sso: which of the school's providers, when it has several. */
  provider?: string;
  /** login --sso and course: the course to work in, when the student is in several. */
  course?: string;
}

const store = () => new ProfileStore();
const client = (profile: string) => new StudentClient(store().get(profile));

async function credentials(o: Options, io: Io): Promise<CurrentCredentials> {
  const api = client(o.profile);
  return o.wait ? api.waitForCurrent(o.waitSeconds * 1000, (m) => io.err(`${m} — waiting…`)) : api.current();
}

export async function login(link: string | undefined, o: Options, io: Io): Promise<void> {
  if (o.sso) return loginWithSchool(link, o, io);
  if (!link) throw new CliError('usage: labkeys login <access-link> [--profile NAME]', EXIT.usage);
  const profile = parseAccessLink(link);
  // Ask once before storing: a refused link is never saved; a lab that has not started yet is fine.
  try {
    await new StudentClient(profile).current();
  } catch (error) {
    if (!(error instanceof CliError) || (error.exitCode !== EXIT.notReady && error.exitCode !== EXIT.ended))
      throw error;
  }
  store().set(o.profile, profile);
  io.out(`Logged in to ${profile.url} as profile "${o.profile}". Next: labkeys configure --profile ${o.profile}\n`);
}

/** `labkeys login --sso <school sign-in page>`: the browser signs in at the school, the CLI keeps a student token. */
async function loginWithSchool(link: string | undefined, o: Options, io: Io): Promise<void> {
  if (!link) throw new CliError('usage: labkeys login --sso <school sign-in page> [--profile NAME]', EXIT.usage);
  const profile = await ssoLogin(link, { provider: o.provider, print: o.print }, (t) => io.out(t), openBrowser);
  // Kept before choosing a course: a student in several courses chooses with `labkeys course` without signing in again.
  store().set(o.profile, profile);
  const course = await chooseCourse(profile, o.course);
  io.out(
    `Signed in through your school to ${profile.url} as profile "${o.profile}"${course ? `, course ${course}` : ''}. Next: labkeys configure --profile ${o.profile}\n`,
  );
}

/** `labkeys course [CODE]`: the course a school sign-in works in (listed without CODE). */
export async function course(code: string | undefined, o: Options, io: Io): Promise<void> {
  const chosen = await chooseCourse(store().get(o.profile), code);
  io.out(chosen ? `Working in ${chosen}.\n` : 'You are in no current course.\n');
}

export function logout(o: Options, io: Io): void {
  io.out(
    store().remove(o.profile)
      ? `Forgot the access link of profile "${o.profile}".\n`
      : `Profile "${o.profile}" was not logged in.\n`,
  );
}

export async function status(o: Options, io: Io): Promise<void> {
  const c = await credentials(o, io);
  const minutes = Math.max(0, Math.round((Date.parse(c.expiration) - Date.now()) / 60_000));
  io.out(`${c.labName}: ACTIVE, expires ${c.expiration} (in ${minutes} min), region ${c.region}\n`);
  if (c.assumedRoleArn) io.out(`AWS identity: ${c.assumedRoleArn}\n`);
}

export async function creds(o: Options, io: Io): Promise<void> {
  const format = (o.format ?? 'json') as CredentialFormatName;
  if (!(ALL_FORMATS as readonly string[]).includes(format))
    throw new CliError(`--format must be one of ${ALL_FORMATS.join(', ')}`, EXIT.usage);
  const text = renderCredentialFormat(await credentials(o, io), format, o.profile);
  io.out(text.endsWith('\n') ? text : `${text}\n`);
}

/** `credential_process` for the AWS CLI and SDKs: prints Version 1 JSON; they call it again after Expiration. */
export async function credentialProcess(o: Options, io: Io): Promise<void> {
  // Run by the AWS CLI, not a person: a class still being issued is waited for rather than failed.
  const c = await client(o.profile).waitForCurrent(o.waitSeconds * 1000);
  io.out(`${JSON.stringify(credentialProcessOutput(c))}\n`);
}

export async function configure(o: Options, io: Io, self: string[]): Promise<void> {
  const c = await credentials({ ...o, wait: o.wait }, io).catch((error: unknown) => {
    // The profile works before the lab starts too; only the region has to wait for it.
    if (error instanceof CliError && error.exitCode === EXIT.notReady) return null;
    throw error;
  });
  const command = [...self, 'credential-process', '--profile', o.profile].map(shellWord).join(' ');
  const entries: [string, string][] = [['credential_process', command]];
  if (c) entries.push(['region', c.region]);
  if (c?.endpointUrl) entries.push(['endpoint_url', c.endpointUrl]);
  const section = o.profile === 'default' ? 'default' : `profile ${o.profile}`;
  const path = awsConfigPath();
  writeAwsSection(path, section, entries, 0o600);
  io.out(`Wrote [${section}] to ${path}. Try: aws --profile ${o.profile} sts get-caller-identity\n`);
}

export async function write(o: Options, io: Io): Promise<void> {
  const c = await credentials(o, io);
  const path = awsCredentialsPath();
  writeAwsSection(path, o.profile, credentialsFileEntries(c), 0o600);
  io.out(
    `Wrote [${o.profile}] to ${path}; these keys expire ${c.expiration} (labkeys configure keeps a profile current by itself).\n`,
  );
}

export async function consoleLink(o: Options, io: Io): Promise<void> {
  const url = await client(o.profile).consoleUrl();
  if (o.print || !(await openBrowser(url))) io.out(`${url}\n`);
  else io.out('Opened the AWS console in your browser (the link works once, for 15 minutes).\n');
}

function openBrowser(url: string): Promise<boolean> {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => resolve(false));
    child.on('spawn', () => (child.unref(), resolve(true)));
  });
}

/** A word for the AWS CLI's credential_process line (parsed like a shell command on POSIX). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\$`])/g, '\\$1')}"`;
}
