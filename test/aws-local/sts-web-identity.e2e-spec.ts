import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AssumeRoleWithWebIdentityCommandInput } from '@aws-sdk/client-sts';
import { startAwsLocal } from '@labkeys/aws-local';
import type { AwsLocal } from '@labkeys/aws-local';
import { ACCOUNT, iamClient, s3Client, sdkError, stsClient, toCredentials } from './support/aws-local-harness';
import type { AwsCredentials } from './support/aws-local-harness';
import { TestIssuer } from './support/test-issuer';
import {
  assumeWithToken,
  studentClaims,
  WEB_LAB_ROLE_ARN,
  WEB_NO_TAGS_ROLE_ARN,
  webIdentityWorld,
} from './support/web-identity-world';

const codeOf = (e: unknown): string => (e as { Code: string }).Code;

describe('STS AssumeRoleWithWebIdentity (aws-local through @aws-sdk/client-sts)', () => {
  let issuer: TestIssuer;
  let aws: AwsLocal;
  const assume = (token: string, input: Partial<AssumeRoleWithWebIdentityCommandInput> = {}) =>
    assumeWithToken(aws, token, input);
  const assumeStudent = async (session: string): Promise<AwsCredentials> =>
    toCredentials((await assume(issuer.token(studentClaims(session)), { RoleSessionName: session })).Credentials);

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    aws = await startAwsLocal({ state: webIdentityWorld([issuer.url]) });
  });
  afterAll(async () => {
    await aws.close();
    await issuer.stop();
  });
  afterEach(() => aws.setFaults({ clockSkewMs: 0, throttleRate: 0, actions: null }));

  it('issues credentials for a valid token, unsigned, with the result AWS returns', async () => {
    const out = await assume(issuer.token(studentClaims('alice')), { RoleSessionName: 'alice', DurationSeconds: 7200 });
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.SubjectFromWebIdentityToken).toBe('labkeys:tenant-a:alice');
    expect(out.Provider).toBe(issuer.url);
    expect(out.Audience).toBe('sts.amazonaws.com');
    expect(out.SourceIdentity).toBe('alice');
    expect(out.PackedPolicySize).toBeGreaterThanOrEqual(0);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/wi-lab/alice`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toBe(`${aws.iam.getRole('wi-lab')?.roleId}:alice`);
    const expiresIn = (out.Credentials?.Expiration?.getTime() ?? 0) - aws.now().getTime();
    expect(expiresIn).toBeGreaterThan(7100_000);
    expect(expiresIn).toBeLessThanOrEqual(7200_000);

    const me = await stsClient(aws, toCredentials(out.Credentials)).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/wi-lab/alice` });
    expect(me.UserId).toBe(out.AssumedRoleUser?.AssumedRoleId);
    expect(aws.counters()['sts:AssumeRoleWithWebIdentity']).toBeGreaterThanOrEqual(1);
  });

  it('puts the token’s tags on the session, where a Deny on aws:PrincipalTag/labkeys:session hits only that session', async () => {
    const revoked = await assumeStudent('s-revoked');
    const kept = await assumeStudent('s-kept');
    await s3Client(aws, revoked).send(new ListBucketsCommand({}));
    const deny = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': 's-revoked' } },
    };
    await iamClient(aws).send(
      new PutRolePolicyCommand({
        RoleName: 'wi-lab',
        PolicyName: 'labkeys-revocations',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [deny] }),
      }),
    );
    const refused = await sdkError(s3Client(aws, revoked).send(new ListBucketsCommand({})));
    expect(refused.name).toBe('AccessDenied');
    await expect(s3Client(aws, kept).send(new ListBucketsCommand({}))).resolves.toBeDefined();
    expect(aws.authorize(revoked.accessKeyId, 's3:ListAllMyBuckets', '*')).toMatchObject({
      decision: 'deny',
      statement: deny,
    });
    expect(aws.authorize(kept.accessKeyId, 's3:ListAllMyBuckets', '*')?.decision).toBe('allow');
    // The other claims reach the request context too.
    const res = await fetch(`${aws.url}/_aws-local/authorize`, {
      method: 'POST',
      body: JSON.stringify({ accessKeyId: kept.accessKeyId, action: 'iam:GetRole', resource: WEB_LAB_ROLE_ARN }),
    });
    expect(await res.json()).toMatchObject({
      decision: 'allow',
      principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/wi-lab/s-kept`,
    });
  });

  it('is cut off by a Deny on aws:TokenIssueTime, as AWS’s "revoke active sessions" does', async () => {
    const assumePlain = async (name: string) =>
      toCredentials(
        (
          await assume(issuer.token({ sub: `labkeys:tenant-a:${name}` }), {
            RoleArn: WEB_NO_TAGS_ROLE_ARN,
            RoleSessionName: name,
          })
        ).Credentials,
      );
    const older = await assumePlain('older');
    const cutoff = aws.now().toISOString();
    const revokeOlder = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } },
    };
    await iamClient(aws).send(
      new PutRolePolicyCommand({
        RoleName: 'wi-no-tags',
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [revokeOlder] }),
      }),
    );
    const newer = await assumePlain('newer');
    expect(aws.authorize(older.accessKeyId, 's3:ListAllMyBuckets', '*')?.decision).toBe('deny');
    expect(aws.authorize(newer.accessKeyId, 's3:ListAllMyBuckets', '*')?.decision).toBe('allow');
  });

  it('intersects the role’s permissions with the session policy passed in the call', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::labs' }],
    });
    const out = await assume(issuer.token(studentClaims('scoped')), { RoleSessionName: 'scoped', Policy: policy });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const creds = toCredentials(out.Credentials);
    expect(aws.authorize(creds.accessKeyId, 's3:ListBucket', 'arn:aws:s3:::labs')?.decision).toBe('allow');
    expect(aws.authorize(creds.accessKeyId, 's3:ListAllMyBuckets', '*')).toMatchObject({
      decision: 'implicitDeny',
      policy: 'session policy',
    });
  });

  it('refetches the JWKS for an unknown kid, so a rotated key is accepted once published', async () => {
    await assume(issuer.token(studentClaims('before')));
    const fetches = issuer.jwksFetches;
    await assume(issuer.token(studentClaims('cached')));
    expect(issuer.jwksFetches).toBe(fetches);
    issuer.rotateUnpublished();
    const early = await sdkError(assume(issuer.token(studentClaims('early'))));
    expect(codeOf(early)).toBe('InvalidIdentityToken');
    expect(issuer.jwksFetches).toBe(fetches + 1);
    issuer.publish();
    const out = await assume(issuer.token(studentClaims('rotated')), { RoleSessionName: 'rotated' });
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/wi-lab/rotated`);
    expect(issuer.jwksFetches).toBe(fetches + 2);
  });

  it('is throttled and counted like every other action', async () => {
    aws.resetCounters();
    aws.setFaults({ throttleRate: 1, actions: ['sts:AssumeRoleWithWebIdentity'] });
    const throttled = await sdkError(assume(issuer.token(studentClaims('busy'))));
    expect(codeOf(throttled)).toBe('Throttling');
    expect(aws.counters()).toEqual({ 'sts:AssumeRoleWithWebIdentity': 1 });
    expect(aws.faultedCounters()).toEqual({ 'sts:AssumeRoleWithWebIdentity': 1 });
  });

  it('lets the credentials sign in to the console like AssumeRole’s', async () => {
    const creds = await assumeStudent('console');
    const session = JSON.stringify({
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    });
    const res = await fetch(
      `${aws.url}/federation?Action=getSigninToken&SessionDuration=900&Session=${encodeURIComponent(session)}`,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { SigninToken?: string }).SigninToken).toMatch(/^[A-Za-z0-9_-]{100,}$/);
  });
});
