import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AwsLocal } from '@labkeys/aws-local';
import type { AwsCredentials } from './support/aws-local-harness';
import { startAwsLocal } from '@labkeys/aws-local';
import { ACCOUNT, ADMIN, EXTERNAL_ID, LAB_ROLE_ARN, startTestAwsLocal } from './support/aws-local-harness';
import { TestIssuer } from './support/test-issuer';
import { WEB_LAB_ROLE_ARN, webIdentityWorld } from './support/web-identity-world';

const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `aws` found on PATH against aws-local, isolated from any user configuration. Asynchronous
 * on purpose: aws-local runs in this process and must keep answering while the CLI waits.
 */
async function aws(endpoint: string, creds: AwsCredentials, args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  // Empty credentials mean none at all, for calls the CLI sends unsigned.
  if (creds.accessKeyId) {
    env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  }
  if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
  try {
    const { stdout, stderr } = await run('aws', [...args, '--endpoint-url', endpoint, '--output', 'json'], {
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { code?: number | string; stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error(
        'The AWS CLI (`aws`) is not on PATH. Install it (Debian: `apt-get install awscli`) to run this test.',
        { cause: e },
      );
    }
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('the AWS CLI against aws-local', () => {
  let local: AwsLocal;
  beforeAll(async () => {
    local = await startTestAwsLocal();
  });
  afterAll(() => local.close());

  it('assumes the lab role, then calls get-caller-identity and s3 ls with the issued credentials', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::labs',
          Condition: { StringLike: { 's3:prefix': 'students/alice/*' } },
        },
      ],
    });
    const assumed = await aws(local.url, ADMIN, [
      'sts',
      'assume-role',
      '--role-arn',
      LAB_ROLE_ARN,
      '--role-session-name',
      'cli-alice',
      '--external-id',
      EXTERNAL_ID,
      '--policy',
      policy,
      '--tags',
      'Key=labkeys:session,Value=s-cli',
    ]);
    // stderr is not required to be empty: some CLI builds print interpreter deprecation warnings there.
    expect(assumed.stderr).not.toMatch(/error/i);
    expect(assumed.code).toBe(0);
    const out = JSON.parse(assumed.stdout) as { Credentials: Record<string, string>; AssumedRoleUser: { Arn: string } };
    expect(out.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/lab-student/cli-alice`);
    const creds = {
      accessKeyId: out.Credentials.AccessKeyId,
      secretAccessKey: out.Credentials.SecretAccessKey,
      sessionToken: out.Credentials.SessionToken,
    };

    const identity = await aws(local.url, creds, ['sts', 'get-caller-identity']);
    expect(identity.code).toBe(0);
    expect(JSON.parse(identity.stdout)).toMatchObject({ Account: ACCOUNT, Arn: out.AssumedRoleUser.Arn });

    const ls = await aws(local.url, creds, ['s3', 'ls']);
    expect(ls.stderr).not.toMatch(/error/i);
    expect(ls).toMatchObject({ code: 0, stdout: '' });
    const own = await aws(local.url, creds, ['s3', 'ls', 's3://labs/students/alice/']);
    // `aws s3 ls` exits 1 when a prefix holds no objects (aws-local stores none); errors exit 254/255.
    expect(own.stderr).not.toMatch(/error/i);
    expect(own.code).toBe(1);
    const other = await aws(local.url, creds, ['s3', 'ls', 's3://labs/students/bob/']);
    expect(other.code).toBeGreaterThan(1);
    expect(other.stderr).toContain('AccessDenied');
    expect(local.counters()).toMatchObject({
      'sts:AssumeRole': 1,
      'sts:GetCallerIdentity': 1,
      's3:ListBuckets': 1,
      's3:ListObjectsV2': 2,
    });
  });
});

describe('the AWS CLI’s assume-role-with-web-identity against aws-local', () => {
  let issuer: TestIssuer;
  let local: AwsLocal;
  beforeAll(async () => {
    issuer = await TestIssuer.start();
    local = await startAwsLocal({ state: webIdentityWorld([issuer.url]) });
  });
  afterAll(async () => {
    await local.close();
    await issuer.stop();
  });

  it('exchanges a token for credentials the CLI then uses', async () => {
    const token = issuer.token({
      sub: 'labkeys:tenant-a:cli-bob',
      'https://aws.amazon.com/tags': { principal_tags: { 'labkeys:session': ['s-cli'] } },
      'https://aws.amazon.com/source_identity': 'cli-bob',
    });
    // The CLI sends this call unsigned; no AWS credentials are in its environment.
    const anonymous = { accessKeyId: '', secretAccessKey: '' };
    const assumed = await aws(local.url, anonymous, [
      'sts',
      'assume-role-with-web-identity',
      '--role-arn',
      WEB_LAB_ROLE_ARN,
      '--role-session-name',
      'cli-bob',
      '--web-identity-token',
      token,
      '--duration-seconds',
      '900',
    ]);
    expect(assumed.stderr).not.toMatch(/error/i);
    expect(assumed.code).toBe(0);
    const out = JSON.parse(assumed.stdout) as Record<string, unknown> & {
      Credentials: Record<string, string>;
      AssumedRoleUser: { Arn: string };
    };
    expect(out).toMatchObject({
      SubjectFromWebIdentityToken: 'labkeys:tenant-a:cli-bob',
      Provider: issuer.url,
      Audience: 'sts.amazonaws.com',
      SourceIdentity: 'cli-bob',
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/wi-lab/cli-bob` },
    });
    const creds = {
      accessKeyId: out.Credentials.AccessKeyId,
      secretAccessKey: out.Credentials.SecretAccessKey,
      sessionToken: out.Credentials.SessionToken,
    };
    const identity = await aws(local.url, creds, ['sts', 'get-caller-identity']);
    expect(identity.code).toBe(0);
    expect(JSON.parse(identity.stdout)).toMatchObject({ Account: ACCOUNT, Arn: out.AssumedRoleUser.Arn });

    const expired = await aws(local.url, anonymous, [
      'sts',
      'assume-role-with-web-identity',
      '--role-arn',
      WEB_LAB_ROLE_ARN,
      '--role-session-name',
      'cli-bob',
      '--web-identity-token',
      issuer.token({ sub: 'labkeys:tenant-a:cli-bob', exp: Math.floor(Date.now() / 1000) - 600 }),
    ]);
    expect(expired.code).toBeGreaterThan(0);
    expect(expired.stderr).toContain('ExpiredTokenException');
    expect(local.counters()).toMatchObject({ 'sts:AssumeRoleWithWebIdentity': 2, 'sts:GetCallerIdentity': 1 });
  });
});
