/**
 * What never reaches a log line: credentials in headers, tokens, AWS secrets.
 * Paths are pino redact paths; the scrubber below is the second line of
 * defence for token-shaped strings that end up inside messages or URLs.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-amz-security-token"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.token',
  '*.ownerToken',
  '*.accessToken',
  '*.password',
  '*.secretAccessKey',
  '*.SecretAccessKey',
  '*.sessionToken',
  '*.SessionToken',
  '*.sealedSecret',
  '*.credentials',
  '*.Credentials',
  'credentials',
  'secretAccessKey',
  'sessionToken',
];

export const REDACTED = '[redacted]';

// LabKeys tokens (lk_/lks_/lkc_ + 43 base64url chars) and bearer values in free text.
const TOKEN_PATTERN = /\b(lk[sc]?_)[A-Za-z0-9_-]{16,}/g;
const BEARER_PATTERN = /(bearer\s+)[^\s"',;]+/gi;
const QUERY_SECRET_PATTERN =
  /([?&](?:token|access_token|id_token|code|state|challenge|SigninToken|Session|X-Amz-Security-Token|X-Amz-Signature)=)[^&#\s"]*/gi;

export function scrubSecrets(text: string): string {
  return text
    .replace(TOKEN_PATTERN, `$1${REDACTED}`)
    .replace(BEARER_PATTERN, `$1${REDACTED}`)
    .replace(QUERY_SECRET_PATTERN, `$1${REDACTED}`);
}
