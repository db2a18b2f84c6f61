import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AssumeRoleWithWebIdentityCommandInput } from '@aws-sdk/client-sts';
import { startAwsLocal } from '@labkeys/aws-local';
import type { AwsLocal } from '@labkeys/aws-local';
import { ACCOUNT, iamClient, s3Client, sdkError, stsClient, toCredentials } from './support/aws-local-harness';
import type { AwsCredentials } from './support/aws-local-harness';
import { TestIssuer } from './support/test-issuer';
import type { Claims } from './support/test-issuer';
import { WEB_LAB_ROLE_ARN, WEB_NO_TAGS_ROLE_ARN, WEB_OTHER_IDP_ROLE_ARN, webIdentityWorld } from './support/web-identity-world';

const codeOf = (e: unknown): string => (e as { Code: string }).Code;
const TAGS = 'https://aws.amazon.com/tags';
const SOURCE_IDENTITY = 'https://aws.amazon.com/source_identity';

/** A client with no credentials at all: AssumeRoleWithWebIdentity must go out unsigned and still work. */
function anonymousSts(aws: AwsLocal): STSClient {
  return new STSClient({
    endpoint: aws.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: () => Promise.reject(new Error('AssumeRoleWithWebIdentity must not need AWS credentials')),
  });
}

describe('STS AssumeRoleWithWebIdentity (aws-local through @aws-sdk/client-sts)', () => {
  let issuer: TestIssuer;
  let unreachable: TestIssuer;
  let aws: AwsLocal;

  const studentClaims = (session: string, sub = `labkeys:tenant-a:${session}`): Claims => ({
    sub,
    [TAGS]: { principal_tags: { 'labkeys:session': [session], 'labkeys:tenant': ['tenant-a'] }, transitive_tag_keys: ['labkeys:session'] },
    [SOURCE_IDENTITY]: session,
  });
  const assume = (token: string, input: Partial<AssumeRoleWithWebIdentityCommandInput> = {}) =>
    anonymousSts(aws).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: WEB_LAB_ROLE_ARN, RoleSessionName: 'student', WebIdentityToken: token, ...input }));
  const assumeStudent = async (session: string): Promise<AwsCredentials> =>
    toCredentials((await assume(issuer.token(studentClaims(session)), { RoleSessionName: session })).Credentials);

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    unreachable = await TestIssuer.start('/down');
    aws = await startAwsLocal({ state: webIdentityWorld([issuer.url, unreachable.url]) });
    // Registered with IAM, but gone before aws-local ever fetched its keys.
    await unreachable.stop();
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
    const deny = { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': 's-revoked' } } };
    await iamClient(aws).send(
      new PutRolePolicyCommand({ RoleName: 'wi-lab', PolicyName: 'labkeys-revocations', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [deny] }) }),
    );
    const refused = await sdkError(s3Client(aws, revoked).send(new ListBucketsCommand({})));
    expect(refused.name).toBe('AccessDenied');
    await expect(s3Client(aws, kept).send(new ListBucketsCommand({}))).resolves.toBeDefined();
    expect(aws.authorize(revoked.accessKeyId, 's3:ListAllMyBuckets', '*')).toMatchObject({ decision: 'deny', statement: deny });
    expect(aws.authorize(kept.accessKeyId, 's3:ListAllMyBuckets', '*')?.decision).toBe('allow');
    // The other claims reach the request context too.
    const res = await fetch(`${aws.url}/_aws-local/authorize`, {
      method: 'POST',
      body: JSON.stringify({ accessKeyId: kept.accessKeyId, action: 'iam:GetRole', resource: WEB_LAB_ROLE_ARN }),
    });
    expect(await res.json()).toMatchObject({ decision: 'allow', principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/wi-lab/s-kept` });
  });

  it('is cut off by a Deny on aws:TokenIssueTime, as AWS’s "revoke active sessions" does', async () => {
    const assumePlain = async (name: string) =>
      toCredentials((await assume(issuer.token({ sub: `labkeys:tenant-a:${name}` }), { RoleArn: WEB_NO_TAGS_ROLE_ARN, RoleSessionName: name })).Credentials);
    const older = await assumePlain('older');
    const cutoff = aws.now().toISOString();
    const revokeOlder = { Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } } };
    await iamClient(aws).send(
      new PutRolePolicyCommand({ RoleName: 'wi-no-tags', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [revokeOlder] }) }),
    );
    const newer = await assumePlain('newer');
    expect(aws.authorize(older.accessKeyId, 's3:ListAllMyBuckets', '*')?.decision).toBe('deny');
    expect(aws.authorize(newer.accessKeyId, 's3:ListAllMyBuckets', '*')?.decision).toBe('allow');
  });

  it('intersects the role’s permissions with the session policy passed in the call', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::labs' }] });
    const out = await assume(issuer.token(studentClaims('scoped')), { RoleSessionName: 'scoped', Policy: policy });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const creds = toCredentials(out.Credentials);
    expect(aws.authorize(creds.accessKeyId, 's3:ListBucket', 'arn:aws:s3:::labs')?.decision).toBe('allow');
    expect(aws.authorize(creds.accessKeyId, 's3:ListAllMyBuckets', '*')).toMatchObject({ decision: 'implicitDeny', policy: 'session policy' });
  });

  it('answers ExpiredTokenException for an expired token, on aws-local’s clock and with a small skew allowance', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await sdkError(assume(issuer.token({ ...studentClaims('late'), iat: now - 900, nbf: now - 900, exp: now - 120 })));
    expect(codeOf(expired)).toBe('ExpiredTokenException');
    expect(expired.$metadata.httpStatusCode).toBe(400);
    expect(expired.message).toMatch(/^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/);
    // Thirty seconds past exp is within the allowance.
    await expect(assume(issuer.token({ ...studentClaims('drift'), iat: now - 300, nbf: now - 300, exp: now - 30 }))).resolves.toBeDefined();
    // A token valid now expires once aws-local's clock moves past it.
    const token = issuer.token(studentClaims('skewed'));
    aws.setFaults({ clockSkewMs: 400_000 });
    expect(codeOf(await sdkError(assume(token)))).toBe('ExpiredTokenException');
  });

  it('answers InvalidIdentityToken for a wrong signature, an unknown issuer, a wrong audience and a malformed token', async () => {
    const forged = issuer.token(studentClaims('mallory'), { key: TestIssuer.foreignKey() });
    const [header, , signature] = issuer.token(studentClaims('mallory')).split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...studentClaims('admin'), iss: issuer.url, aud: 'sts.amazonaws.com', exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url')}.${signature}`;
    for (const token of [forged, tampered]) {
      const e = await sdkError(assume(token));
      expect(codeOf(e)).toBe('InvalidIdentityToken');
      expect(e.$metadata.httpStatusCode).toBe(400);
      expect(e.message).toBe('Invalid token signature.');
    }
    const stranger = await TestIssuer.start('/stranger');
    try {
      const unknown = await sdkError(assume(stranger.token(studentClaims('eve'))));
      expect(codeOf(unknown)).toBe('InvalidIdentityToken');
      expect(unknown.message).toBe(`No OpenIDConnect provider found in your account for ${stranger.url}`);
      expect(stranger.jwksFetches).toBe(0);
    } finally {
      await stranger.stop();
    }
    const wrongAudience = await sdkError(assume(issuer.token({ ...studentClaims('aud'), aud: 'some-other-client' })));
    expect(codeOf(wrongAudience)).toBe('InvalidIdentityToken');
    expect(wrongAudience.message).toBe('Incorrect token audience');
    for (const token of ['not-a-jwt', `${header}.e30`, `${header}.bm90IGpzb24.${signature}`]) {
      expect(codeOf(await sdkError(assume(token)))).toBe('InvalidIdentityToken');
    }
  });

  it('refuses a subject outside the sub condition, another provider’s trust, and tags without sts:TagSession, with AccessDenied', async () => {
    const other = await sdkError(assume(issuer.token(studentClaims('bob', 'labkeys:tenant-b:bob'))));
    expect(codeOf(other)).toBe('AccessDenied');
    expect(other.$metadata.httpStatusCode).toBe(403);
    expect(other.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    const noTagSession = await sdkError(assume(issuer.token(studentClaims('carol')), { RoleArn: WEB_NO_TAGS_ROLE_ARN }));
    expect(codeOf(noTagSession)).toBe('AccessDenied');
    expect(noTagSession.message).toBe('Not authorized to perform sts:TagSession');
    const plain = await assume(issuer.token({ sub: 'labkeys:tenant-a:carol' }), { RoleArn: WEB_NO_TAGS_ROLE_ARN, RoleSessionName: 'carol' });
    expect(plain.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/wi-no-tags/carol`);
    expect(plain.SourceIdentity).toBeUndefined();
    const otherIdp = await sdkError(assume(issuer.token({ sub: 'labkeys:tenant-a:carol' }), { RoleArn: WEB_OTHER_IDP_ROLE_ARN }));
    expect(codeOf(otherIdp)).toBe('AccessDenied');
    const missingRole = await sdkError(assume(issuer.token(studentClaims('dave')), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/nope` }));
    expect(codeOf(missingRole)).toBe('AccessDenied');
  });

  it('answers IDPRejectedClaim for session tag or source identity claims AWS would not accept', async () => {
    for (const claims of [
      { sub: 'labkeys:tenant-a:x', [TAGS]: { principal_tags: { 'bad*key': ['v'] } } },
      { sub: 'labkeys:tenant-a:x', [SOURCE_IDENTITY]: 'aws:x' },
    ]) {
      const e = await sdkError(assume(issuer.token(claims)));
      expect(codeOf(e)).toBe('IDPRejectedClaim');
      expect(e.$metadata.httpStatusCode).toBe(403);
    }
  });

  it('answers IDPCommunicationError when the issuer’s discovery and JWKS cannot be reached', async () => {
    const e = await sdkError(assume(unreachable.token(studentClaims('frank'))));
    expect(codeOf(e)).toBe('IDPCommunicationError');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).toContain("Couldn't retrieve verification key from your identity provider");
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

  it('validates parameters with AWS’s messages, never echoing the token', async () => {
    const token = issuer.token(studentClaims('validation'));
    const badName = await sdkError(assume(token, { RoleSessionName: 'a:b' }));
    expect(codeOf(badName)).toBe('ValidationError');
    expect(badName.message).toBe(
      "1 validation error detected: Value 'a:b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    const shortToken = await sdkError(assume('abc'));
    expect(shortToken.message).toBe(
      "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4",
    );
    const tooLong = await sdkError(assume(token, { DurationSeconds: 7201 }));
    expect(tooLong.message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    expect(codeOf(await sdkError(assume(token, { DurationSeconds: 899 })))).toBe('ValidationError');
    expect(codeOf(await sdkError(assume(token, { RoleArn: 'not-an-arn-but-long-enough' })))).toBe('ValidationError');
    expect(codeOf(await sdkError(assume(token, { ProviderId: 'www.amazon.com' })))).toBe('InvalidParameterValue');
    expect(codeOf(await sdkError(assume(token, { Policy: '{"Statement": 1}' })))).toBe('MalformedPolicyDocument');
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${'b'.repeat(2000)}` }] });
    expect(codeOf(await sdkError(assume(token, { Policy: big })))).toBe('PackedPolicyTooLarge');
    const arns = Array.from({ length: 11 }, (_, i) => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/p${i}` }));
    expect((await sdkError(assume(token, { PolicyArns: arns }))).message).toContain("at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
    for (const e of [badName, shortToken, tooLong]) expect(e.message).not.toContain(token.slice(0, 20));
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
    const session = JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken });
    const res = await fetch(`${aws.url}/federation?Action=getSigninToken&SessionDuration=900&Session=${encodeURIComponent(session)}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { SigninToken?: string }).SigninToken).toMatch(/^[A-Za-z0-9_-]{100,}$/);
  });
});
