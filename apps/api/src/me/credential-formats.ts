import {
  renderCredentialFormat,
  renderProfileFormat,
  type CredentialFormatName,
  type ProfileFormatName,
} from '@labkeys/credentials';
import type { StudentCredentials } from './student-sessions.service';

/**
 * What `?format=` accepts: every shell and file the AWS CLI and SDKs read (libs/credentials renders them):
 * `ini` is the three keys of a `~/.aws/credentials` profile, `credentials` the same with the region, `config` a
 * `~/.aws/config` profile running `labkeys credential-process`.
 */
export const CREDENTIAL_FORMATS = [
  'json',
  'env',
  'fish',
  'powershell',
  'cmd',
  'ini',
  'credentials',
  'config',
  'process',
] as const satisfies readonly (CredentialFormatName | ProfileFormatName)[];
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

/**
 * Values come from AWS and the connection's row, names from instructors; none may add a line to a credentials
 * file or run a command when the env output is evaluated (libs/credentials quotes and keeps each on one line).
 */
export function renderCredentials(
  creds: StudentCredentials,
  format: CredentialFormat,
  profile: string,
): { contentType: string; body: string } {
  if (format === 'json') return { contentType: 'application/json', body: JSON.stringify(creds) };
  if (format === 'process') return { contentType: 'application/json', body: renderCredentialFormat(creds, 'process') };
  if (format === 'credentials' || format === 'config')
    return { contentType: 'text/plain; charset=utf-8', body: renderProfileFormat(creds, format, profile) };
  return { contentType: 'text/plain; charset=utf-8', body: renderCredentialFormat(creds, format, profile) };
}
