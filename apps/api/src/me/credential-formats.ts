import { renderCredentialFormat, type CredentialFormatName } from '@labkeys/credentials';
import type { StudentCredentials } from './student-sessions.service';

/** What `?format=` accepts: every shell and file the AWS CLI and SDKs read (libs/credentials renders them). */
export const CREDENTIAL_FORMATS = ['json', 'env', 'fish', 'powershell', 'cmd', 'ini', 'process'] as const satisfies readonly CredentialFormatName[];
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

/**
 * Values come from AWS and the connection's row, names from instructors; none may add a line to a credentials
 * file or run a command when the env output is evaluated (libs/credentials quotes and keeps each on one line).
 */
export function renderCredentials(creds: StudentCredentials, format: CredentialFormat, profile: string): { contentType: string; body: string } {
  if (format === 'json') return { contentType: 'application/json', body: JSON.stringify(creds) };
  if (format === 'process') return { contentType: 'application/json', body: renderCredentialFormat(creds, 'process') };
  return { contentType: 'text/plain; charset=utf-8', body: renderCredentialFormat(creds, format, profile) };
}
