import type { StudentCredentials } from './student-sessions.service';

export const CREDENTIAL_FORMATS = ['json', 'env', 'ini', 'process'] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

/** C0 and C1 controls, DEL and the Unicode line and paragraph separators: anything that can end a line. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Words a POSIX shell reads literally without quotes (no expansion, globbing, splitting or `~`). */
const SHELL_SAFE = /^[A-Za-z0-9_\/.:@%+=,-]+$/;

/** Instructor text (a lab name) on one line of a file a student's tools parse: it can never start a new line. */
export function oneLine(text: string): string {
  return text.replace(CONTROL_CHARS, ' ');
}

/** A value `sh`/`bash` reads back exactly: bare when every character is literal, single-quoted otherwise. */
export function shellQuote(value: string): string {
  const clean = oneLine(value);
  return SHELL_SAFE.test(clean) ? clean : `'${clean.replace(/'/g, `'\\''`)}'`;
}

/**
 * The formats the AWS CLI and SDKs read. Values come from AWS and the connection's row, names from
 * instructors; none may add a line to a credentials file or run a command when the env output is evaluated.
 */
export function renderCredentials(creds: StudentCredentials, format: CredentialFormat, profile: string): { contentType: string; body: string } {
  switch (format) {
    case 'env':
      return {
        contentType: 'text/plain; charset=utf-8',
        body: [
          `export AWS_ACCESS_KEY_ID=${shellQuote(creds.accessKeyId)}`,
          `export AWS_SECRET_ACCESS_KEY=${shellQuote(creds.secretAccessKey)}`,
          `export AWS_SESSION_TOKEN=${shellQuote(creds.sessionToken)}`,
          `export AWS_REGION=${shellQuote(creds.region)}`,
          `export AWS_DEFAULT_REGION=${shellQuote(creds.region)}`,
          ...(creds.endpointUrl ? [`export AWS_ENDPOINT_URL=${shellQuote(creds.endpointUrl)}`] : []),
          `# expires ${oneLine(creds.expiration)}`,
          '',
        ].join('\n'),
      };
    case 'ini':
      return {
        contentType: 'text/plain; charset=utf-8',
        body: [
          `# LabKeys ${oneLine(creds.labName)}; expires ${oneLine(creds.expiration)}`,
          `[${oneLine(profile)}]`,
          `aws_access_key_id = ${oneLine(creds.accessKeyId)}`,
          `aws_secret_access_key = ${oneLine(creds.secretAccessKey)}`,
          `aws_session_token = ${oneLine(creds.sessionToken)}`,
          '',
        ].join('\n'),
      };
    case 'process':
      // credential_process v1: clients call again once Expiration passes.
      return {
        contentType: 'application/json',
        body: JSON.stringify({
          Version: 1,
          AccessKeyId: creds.accessKeyId,
          SecretAccessKey: creds.secretAccessKey,
          SessionToken: creds.sessionToken,
          Expiration: creds.expiration,
        }),
      };
    default:
      return { contentType: 'application/json', body: JSON.stringify(creds) };
  }
}
