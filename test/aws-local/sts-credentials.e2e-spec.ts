import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsLocal } from '@labkeys/aws-local';
import {
  ACCOUNT,
  ADMIN,
  EXTERNAL_ID,
  LAB_ROLE_ARN,
  assumeLabRole,
  sdkError,
  startTestAwsLocal,
  stsClient,
  toCredentials,
} from './support/aws-local-harness';

const LIMITED = { accessKeyId: 'AKIALIMITEDEXAMPLE01', secretAccessKey: 'limitedSecretKeyExample0000000000000000/' };
const PLAIN_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/plain`;
const codeOf = (e: unknown): string => (e as { Code: string }).Code;

describe('STS credentials and SigV4 (aws-local through @aws-sdk/client-sts)', () => {
  let aws: AwsLocal;
  beforeAll(async () => {
    aws = await startTestAwsLocal();
  });
  afterAll(() => aws.close());
  afterEach(() => aws.setFaults({ clockSkewMs: 0 }));

  it('issues credentials shaped as AWS issues them', async () => {
    const before = aws.now().getTime();
    const out = await stsClient(aws).send(
      new AssumeRoleCommand({
        RoleArn: LAB_ROLE_ARN,
        RoleSessionName: 'alice-lab1',
        ExternalId: EXTERNAL_ID,
        DurationSeconds: 7200,
        SourceIdentity: 'alice',
        Tags: [{ Key: 'labkeys:session', Value: 's-1' }],
      }),
    );
    const after = aws.now().getTime();
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    // Issued some time between `before` and `after`: the expiry is 7,200 s after that moment (AWS writes whole seconds).
    const expiration = out.Credentials?.Expiration?.getTime() ?? 0;
    expect(expiration - before).toBeGreaterThan(7199_000 - 1000);
    expect(expiration - after).toBeLessThanOrEqual(7200_000);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice-lab1$/);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/lab-student/alice-lab1`);
    expect(out.SourceIdentity).toBe('alice');
    expect(out.PackedPolicySize).toBeGreaterThanOrEqual(0);
  });

  it('answers GetCallerIdentity for users and assumed roles', async () => {
    const user = await stsClient(aws).send(new GetCallerIdentityCommand({}));
    expect(user).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/admin` });
    expect(user.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const creds = await assumeLabRole(aws, { RoleSessionName: 'bob' });
    const role = await stsClient(aws, creds).send(new GetCallerIdentityCommand({}));
    expect(role.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/lab-student/bob`);
    expect(role.UserId).toBe(`${aws.iam.getRole('lab-student')?.roleId}:bob`);
  });

  it('caps role chaining at one hour', async () => {
    const first = await stsClient(aws).send(
      new AssumeRoleCommand({ RoleArn: PLAIN_ROLE_ARN, RoleSessionName: 'first' }),
    );
    const chainedClient = stsClient(aws, toCredentials(first.Credentials));
    const input = { RoleArn: `arn:aws:iam::${ACCOUNT}:role/chained`, RoleSessionName: 'second' };
    const error = await sdkError(chainedClient.send(new AssumeRoleCommand({ ...input, DurationSeconds: 3601 })));
    expect(codeOf(error)).toBe('ValidationError');
    expect(error.message).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    const ok = await chainedClient.send(new AssumeRoleCommand({ ...input, DurationSeconds: 3600 }));
    expect(ok.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/chained/second`);
  });

  it('refuses AssumeRole when the caller’s own identity policy does not allow it', async () => {
    const error = await sdkError(
      stsClient(aws, LIMITED).send(new AssumeRoleCommand({ RoleArn: PLAIN_ROLE_ARN, RoleSessionName: 'x1' })),
    );
    expect(codeOf(error)).toBe('AccessDenied');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/limited is not authorized to perform: sts:AssumeRole on resource: ${PLAIN_ROLE_ARN}`,
    );
  });

  it('issues GetSessionToken credentials to users only', async () => {
    const out = await stsClient(aws).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const creds = toCredentials(out.Credentials);
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    const me = await stsClient(aws, creds).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/admin`);
    const error = await sdkError(stsClient(aws, await assumeLabRole(aws)).send(new GetSessionTokenCommand({})));
    expect(codeOf(error)).toBe('AccessDenied');
    const tooShort = await sdkError(stsClient(aws).send(new GetSessionTokenCommand({ DurationSeconds: 899 })));
    expect(tooShort.message).toContain("Value '899' at 'durationSeconds'");
  });

  it('rejects an unknown access key with InvalidClientTokenId', async () => {
    const error = await sdkError(
      stsClient(aws, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: ADMIN.secretAccessKey }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(codeOf(error)).toBe('InvalidClientTokenId');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe('The security token included in the request is invalid.');
  });

  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const error = await sdkError(
      stsClient(aws, { ...ADMIN, secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})),
    );
    expect(codeOf(error)).toBe('SignatureDoesNotMatch');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('requires the session token with temporary keys', async () => {
    const creds = await assumeLabRole(aws);
    const withoutToken = { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey };
    expect(codeOf(await sdkError(stsClient(aws, withoutToken).send(new GetCallerIdentityCommand({}))))).toBe(
      'InvalidClientTokenId',
    );
    const wrongToken = { ...creds, sessionToken: `${creds.sessionToken}x` };
    expect(codeOf(await sdkError(stsClient(aws, wrongToken).send(new GetCallerIdentityCommand({}))))).toBe(
      'InvalidClientTokenId',
    );
  });

  it('answers ExpiredToken once credentials expire (time moved by the clock-skew fault)', async () => {
    const creds = await assumeLabRole(aws, { DurationSeconds: 900 });
    const skew = 901_000;
    aws.setFaults({ clockSkewMs: skew });
    // A client whose clock agrees with aws-local's, as the SDK's clock-skew correction would make it.
    const client = new STSClient({
      endpoint: aws.url,
      region: 'us-east-1',
      credentials: creds,
      maxAttempts: 1,
      systemClockOffset: skew,
    });
    const error = await sdkError(client.send(new GetCallerIdentityCommand({})));
    expect(codeOf(error)).toBe('ExpiredToken');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe('The security token included in the request is expired');
  });

  it('rejects requests signed too far from its clock, and the SDK corrects its clock from the Date header', async () => {
    aws.setFaults({ clockSkewMs: 3600_000 });
    const strict = await sdkError(stsClient(aws).send(new GetCallerIdentityCommand({})));
    expect(codeOf(strict)).toBe('SignatureDoesNotMatch');
    expect(strict.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
    const retrying = new STSClient({ endpoint: aws.url, region: 'us-east-1', credentials: ADMIN, maxAttempts: 2 });
    const me = await retrying.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/admin`);
    expect(me.$metadata.attempts).toBe(2);
  });
});
