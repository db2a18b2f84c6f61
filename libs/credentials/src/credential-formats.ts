/**
 * The shapes a student's temporary credentials take in the tools they use: shell exports for bash/zsh, fish,
 * PowerShell and Windows cmd, a `~/.aws/credentials` profile, `credential_process` v1 JSON, and JSON. Pure
 * functions with no Node dependency, shared by the `labkeys` CLI and anything else that renders them.
 *
 * Values come from AWS (keys, token) and from LabKeys (region, endpoint), but every one is quoted for its
 * shell anyway, and control characters are removed, so no value can end a line or start a command.
 */
export interface CredentialSet {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** RFC 3339. */
  expiration: string;
  region: string;
  /** Set when the lab runs against a non-default AWS endpoint (local development). */
  endpointUrl?: string | null;
  /** Instructor text, shown in comments only. */
  labName?: string;
}

export const SHELL_FORMATS = ['env', 'fish', 'powershell', 'cmd'] as const;
export const CREDENTIAL_FILE_FORMATS = ['ini', 'process', 'json'] as const;
export const ALL_FORMATS = [...SHELL_FORMATS, ...CREDENTIAL_FILE_FORMATS] as const;
export type CredentialFormatName = (typeof ALL_FORMATS)[number];

/** C0 and C1 controls, DEL and the Unicode line and paragraph separators: anything that can end a line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Words a POSIX shell reads literally without quotes (no expansion, globbing, splitting or `~`). */
const SHELL_SAFE = /^[A-Za-z0-9_/.:@%+=,-]+$/;

/** Any text on one line of a file a student's tools parse: it can never start a new line. */
export const oneLine = (value: string) => value.replace(CONTROL, ' ');
const clean = oneLine;

/** The environment variables the AWS CLI and SDKs read, in a stable order. */
export function credentialVariables(c: CredentialSet): [string, string][] {
  return [
    ['AWS_ACCESS_KEY_ID', c.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', c.secretAccessKey],
    ['AWS_SESSION_TOKEN', c.sessionToken],
    ['AWS_REGION', c.region],
    ['AWS_DEFAULT_REGION', c.region],
    ...(c.endpointUrl ? ([['AWS_ENDPOINT_URL', c.endpointUrl]] as [string, string][]) : []),
  ].map(([name, value]) => [name, clean(value)]);
}

const quote = {
  // Bare when every character is literal; POSIX single quotes otherwise (nothing is special inside but the quote).
  sh: (v: string) => (SHELL_SAFE.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`),
  // fish single quotes: backslash and quote are escaped with a backslash.
  fish: (v: string) => `'${v.replace(/[\\']/g, (m) => `\\${m}`)}'`,
  // PowerShell single quotes: a quote is doubled.
  powershell: (v: string) => `'${v.replace(/'/g, "''")}'`,
  // cmd: `set "NAME=value"` keeps & | < > literal; a percent sign is doubled and a quote cannot be carried.
  cmd: (v: string) => v.replace(/%/g, '%%').replace(/"/g, ''),
};

/** A profile name safe as an INI section name. */
export function profileName(name: string): string {
  const cleaned = clean(name).replace(/[[\]]/g, '').trim();
  return cleaned === '' ? 'labkeys' : cleaned;
}

export function renderCredentialFormat(c: CredentialSet, format: CredentialFormatName, profile = 'labkeys'): string {
  const vars = credentialVariables(c);
  const expires = `expires ${clean(c.expiration)}`;
  switch (format) {
    case 'env':
      return [...vars.map(([n, v]) => `export ${n}=${quote.sh(v)}`), `# ${expires}`, ''].join('\n');
    case 'fish':
      return [...vars.map(([n, v]) => `set -gx ${n} ${quote.fish(v)}`), `# ${expires}`, ''].join('\n');
    case 'powershell':
      return [...vars.map(([n, v]) => `$Env:${n} = ${quote.powershell(v)}`), `# ${expires}`, ''].join('\r\n');
    case 'cmd':
      return [...vars.map(([n, v]) => `set "${n}=${quote.cmd(v)}"`), `rem ${expires}`, ''].join('\r\n');
    case 'ini':
      return [
        `# LabKeys${c.labName ? ` ${clean(c.labName)}` : ''}; ${expires}`,
        `[${profileName(profile)}]`,
        ...credentialsFileEntries(c).map(([k, v]) => `${k} = ${v}`),
        '',
      ].join('\n');
    case 'process':
      return JSON.stringify(credentialProcessOutput(c));
    case 'json':
      return JSON.stringify(c, null, 2);
  }
}

/** The three keys of a `~/.aws/credentials` profile (the region belongs in ~/.aws/config). */
export function credentialsFileEntries(c: CredentialSet): [string, string][] {
  return [
    ['aws_access_key_id', clean(c.accessKeyId)],
    ['aws_secret_access_key', clean(c.secretAccessKey)],
    ['aws_session_token', clean(c.sessionToken)],
  ];
}

/** credential_process v1: the AWS CLI and SDKs call the process again once Expiration has passed. */
export function credentialProcessOutput(c: CredentialSet) {
  return {
    Version: 1,
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    SessionToken: c.sessionToken,
    Expiration: c.expiration,
  };
}

/** Profiles for the AWS CLI and SDKs' own files, with the region they need beside the keys. */
export const PROFILE_FORMATS = ['credentials', 'config'] as const;
export type ProfileFormatName = (typeof PROFILE_FORMATS)[number];

/**
 * `credentials`: a `~/.aws/credentials` profile with these keys and the region (the AWS CLI and SDKs read a
 * region there too). `config`: a `~/.aws/config` profile whose keys come from `labkeys credential-process`, so
 * the tools fetch current keys themselves, renewals included (what `labkeys configure` writes).
 */
export function renderProfileFormat(c: CredentialSet, format: ProfileFormatName, profile = 'labkeys'): string {
  const name = profileName(profile);
  const endpoint: [string, string][] = c.endpointUrl ? [['endpoint_url', clean(c.endpointUrl)]] : [];
  const lines = (section: string, entries: [string, string][]) => [
    `[${section}]`,
    ...entries.map(([k, v]) => `${k} = ${v}`),
  ];
  if (format === 'credentials') {
    return [
      `# LabKeys${c.labName ? ` ${clean(c.labName)}` : ''}; expires ${clean(c.expiration)}`,
      ...lines(name, [...credentialsFileEntries(c), ['region', clean(c.region)], ...endpoint]),
      '',
    ].join('\n');
  }
  const command = `labkeys credential-process --profile ${quote.sh(name)}`;
  return [
    `# LabKeys${c.labName ? ` ${clean(c.labName)}` : ''}: the labkeys CLI (labkeys login) fetches current keys`,
    ...lines(name === 'default' ? 'default' : `profile ${name}`, [
      ['credential_process', command],
      ['region', clean(c.region)],
      ...endpoint,
    ]),
    '',
  ].join('\n');
}
