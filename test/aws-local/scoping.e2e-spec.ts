import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsLocal } from '@labkeys/aws-local';
import type { AwsCredentials } from './support/aws-local-harness';
import {
  ACCOUNT,
  assumeLabRole,
  iamClient,
  s3Client,
  sdkError,
  startTestAwsLocal,
  stsClient,
  toCredentials,
} from './support/aws-local-harness';

const codeOf = (e: unknown): string => (e as { Code: string }).Code;

/** The session policy a lab template renders for one student: list only under their prefix. */
const studentPolicy = (handle: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::labs',
        Condition: { StringLike: { 's3:prefix': `students/${handle}/*` } },
      },
    ],
  });

const denyWhen = (condition: Record<string, unknown>): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: condition }],
  });

async function listPrefix(aws: AwsLocal, creds: AwsCredentials, prefix: string): Promise<string> {
  try {
    const out = await s3Client(aws, creds).send(new ListObjectsV2Command({ Bucket: 'labs', Prefix: prefix }));
    expect(out.KeyCount).toBe(0);
    return 'allowed';
  } catch (e) {
    expect((e as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
    return (e as Error).name;
  }
}

describe('authorization of issued credentials, end to end', () => {
  let aws: AwsLocal;
  beforeEach(async () => {
    aws = await startTestAwsLocal();
  });
  afterEach(() => aws.close());

  it('scopes a session to the student prefix with a session policy', async () => {
    const alice = await assumeLabRole(aws, { RoleSessionName: 'alice', Policy: studentPolicy('alice') });
    expect(await listPrefix(aws, alice, 'students/alice/')).toBe('allowed');
    expect(await listPrefix(aws, alice, 'students/alice/week1/')).toBe('allowed');
    expect(await listPrefix(aws, alice, 'students/bob/')).toBe('AccessDenied');
    expect(await listPrefix(aws, alice, '')).toBe('AccessDenied');
    const buckets = await sdkError(s3Client(aws, alice).send(new ListBucketsCommand({})));
    expect(buckets.name).toBe('AccessDenied');
    expect(buckets.message).toBe('Access Denied');

    const unscoped = await assumeLabRole(aws, { RoleSessionName: 'staff' });
    expect(await listPrefix(aws, unscoped, 'students/bob/')).toBe('allowed');
    const out = await s3Client(aws, unscoped).send(new ListBucketsCommand({}));
    expect(out.Buckets ?? []).toEqual([]);
  });

  it('limits a session to managed session policies passed as PolicyArns', async () => {
    const creds = await assumeLabRole(aws, {
      PolicyArns: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/ListStudentsPrefix` }],
    });
    expect(await listPrefix(aws, creds, 'anything/')).toBe('allowed');
    expect(codeOf(await sdkError(s3Client(aws, creds).send(new ListBucketsCommand({}))))).toBe('AccessDenied');
  });

  it('revokes one session by its session tag and leaves the others', async () => {
    const x = await assumeLabRole(aws, {
      RoleSessionName: 'sx',
      Tags: [{ Key: 'labkeys:session', Value: 'session-x' }],
    });
    const y = await assumeLabRole(aws, {
      RoleSessionName: 'sy',
      Tags: [{ Key: 'labkeys:session', Value: 'session-y' }],
    });
    const document = denyWhen({ StringEquals: { 'aws:PrincipalTag/labkeys:session': 'session-x' } });
    await iamClient(aws).send(
      new PutRolePolicyCommand({
        RoleName: 'lab-student',
        PolicyName: 'labkeys-revocations',
        PolicyDocument: document,
      }),
    );
    expect(await listPrefix(aws, x, 'students/x/')).toBe('AccessDenied');
    expect(await listPrefix(aws, y, 'students/y/')).toBe('allowed');
    // AWS never refuses GetCallerIdentity, even under an explicit Deny.
    const me = await stsClient(aws, x).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toContain('assumed-role/lab-student/sx');
    expect(aws.iam.getRole('lab-student')?.inlinePolicies['labkeys-revocations']).toEqual(JSON.parse(document));
  });

  it('revokes sessions issued before a time with aws:TokenIssueTime', async () => {
    const older = await assumeLabRole(aws, { RoleSessionName: 'older' });
    aws.setFaults({ clockSkewMs: 5_000 });
    const cutoff = aws.now().toISOString();
    const newer = await assumeLabRole(aws, { RoleSessionName: 'newer' });
    await iamClient(aws).send(
      new PutRolePolicyCommand({
        RoleName: 'lab-student',
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: denyWhen({ DateLessThan: { 'aws:TokenIssueTime': cutoff } }),
      }),
    );
    expect(await listPrefix(aws, older, 'p/')).toBe('AccessDenied');
    expect(await listPrefix(aws, newer, 'p/')).toBe('allowed');
  });

  it('revokes by aws:userid and by aws:SourceIdentity', async () => {
    const a = await assumeLabRole(aws, { RoleSessionName: 'a-session', SourceIdentity: 'student-a' });
    const b = await assumeLabRole(aws, { RoleSessionName: 'b-session', SourceIdentity: 'student-b' });
    const c = await assumeLabRole(aws, { RoleSessionName: 'c-session', SourceIdentity: 'student-c' });
    const roleId = aws.iam.getRole('lab-student')?.roleId;
    await iamClient(aws).send(
      new PutRolePolicyCommand({
        RoleName: 'lab-student',
        PolicyName: 'by-userid',
        PolicyDocument: denyWhen({ StringEquals: { 'aws:userid': `${roleId}:a-session` } }),
      }),
    );
    await iamClient(aws).send(
      new PutRolePolicyCommand({
        RoleName: 'lab-student',
        PolicyName: 'by-source',
        PolicyDocument: denyWhen({ StringEquals: { 'aws:SourceIdentity': 'student-b' } }),
      }),
    );
    expect(await listPrefix(aws, a, 'p/')).toBe('AccessDenied');
    expect(await listPrefix(aws, b, 'p/')).toBe('AccessDenied');
    expect(await listPrefix(aws, c, 'p/')).toBe('allowed');
  });

  it('answers ExpiredToken to expired credentials on S3', async () => {
    const creds = await assumeLabRole(aws, { DurationSeconds: 900 });
    aws.setFaults({ clockSkewMs: 900_000 });
    const client = new S3Client({
      endpoint: aws.url,
      region: 'us-east-1',
      credentials: creds,
      forcePathStyle: true,
      maxAttempts: 1,
      systemClockOffset: 900_000,
    });
    const error = await sdkError(client.send(new ListObjectsV2Command({ Bucket: 'labs' })));
    expect(error.name).toBe('ExpiredToken');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('lets an assumed management role revoke through IAM, and refuses IAM to lab sessions', async () => {
    const mgmt = await stsClient(aws).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/plain`, RoleSessionName: 'labkeys' }),
    );
    const document = denyWhen({ StringEquals: { 'aws:PrincipalTag/labkeys:lab': 'lab-1' } });
    await iamClient(aws, toCredentials(mgmt.Credentials)).send(
      new PutRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'revoke', PolicyDocument: document }),
    );
    const student = await assumeLabRole(aws, { Tags: [{ Key: 'labkeys:lab', Value: 'lab-1' }] });
    expect(await listPrefix(aws, student, 'p/')).toBe('AccessDenied');
    const error = await sdkError(
      iamClient(aws, student).send(
        new PutRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'x', PolicyDocument: document }),
      ),
    );
    expect(codeOf(error)).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/lab-student/student is not authorized to perform: iam:PutRolePolicy on resource: arn:aws:iam::${ACCOUNT}:role/lab-student with an explicit deny in an identity-based policy`,
    );
  });

  it('explains decisions through the diagnostic endpoint', async () => {
    const creds = await assumeLabRole(aws, {
      Policy: studentPolicy('alice'),
      Tags: [{ Key: 'labkeys:session', Value: 'x' }],
    });
    const ask = async (action: string, resource: string) => {
      const res = await fetch(`${aws.url}/_aws-local/authorize`, {
        method: 'POST',
        body: JSON.stringify({ accessKeyId: creds.accessKeyId, action, resource }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        decision: string;
        statement: Record<string, unknown> | null;
        policy: string | null;
      };
    };
    expect(await ask('s3:ListBucket', 'arn:aws:s3:::labs')).toMatchObject({
      decision: 'implicitDeny',
      statement: null,
      policy: 'session policy',
    });
    expect(await ask('s3:GetObject', 'arn:aws:s3:::labs/x')).toMatchObject({
      decision: 'implicitDeny',
      policy: 'session policy',
    });
    const deny = denyWhen({ StringEquals: { 'aws:PrincipalTag/labkeys:session': 'x' } });
    await iamClient(aws).send(
      new PutRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'revocations', PolicyDocument: deny }),
    );
    const denied = await ask('s3:ListBucket', 'arn:aws:s3:::labs');
    expect(denied).toEqual(
      expect.objectContaining({
        decision: 'deny',
        policy: 'role/lab-student/inline/revocations',
        statement: JSON.parse(deny).Statement[0],
      }),
    );
    const admin = await fetch(`${aws.url}/_aws-local/authorize`, {
      method: 'POST',
      body: JSON.stringify({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', action: 'iam:PutRolePolicy', resource: '*' }),
    });
    expect(await admin.json()).toMatchObject({ decision: 'allow', policy: 'user/admin/inline/AdministratorAccess' });
  });
});
