import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AwsLocal } from '@labkeys/aws-local';
import type { AwsCredentials } from './support/aws-local-harness';
import { ACCOUNT, ADMIN, EXTERNAL_ID, LAB_ROLE_ARN, startTestAwsLocal } from './support/aws-local-harness';

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
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
  try {
    const { stdout, stderr } = await run('aws', [...args, '--endpoint-url', endpoint, '--output', 'json'], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { code?: number | string; stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error('The AWS CLI (`aws`) is not on PATH. Install it (Debian: `apt-get install awscli`) to run this test.');
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
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::labs', Condition: { StringLike: { 's3:prefix': 'students/alice/*' } } },
      ],
    });
    const assumed = await aws(local.url, ADMIN, [
      'sts', 'assume-role', '--role-arn', LAB_ROLE_ARN, '--role-session-name', 'cli-alice',
      '--external-id', EXTERNAL_ID, '--policy', policy, '--tags', 'Key=labkeys:session,Value=s-cli',
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
    expect(local.counters()).toMatchObject({ 'sts:AssumeRole': 1, 'sts:GetCallerIdentity': 1, 's3:ListBuckets': 1, 's3:ListObjectsV2': 2 });
  });
});
