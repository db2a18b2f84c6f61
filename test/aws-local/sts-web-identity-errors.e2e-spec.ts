import type { AssumeRoleWithWebIdentityCommandInput } from '@aws-sdk/client-sts';
import { startAwsLocal } from '@labkeys/aws-local';
import type { AwsLocal } from '@labkeys/aws-local';
import { ACCOUNT, sdkError } from './support/aws-local-harness';
import { TestIssuer } from './support/test-issuer';
import {
  assumeWithToken,
  SOURCE_IDENTITY_CLAIM as SOURCE_IDENTITY,
  studentClaims,
  TAGS_CLAIM as TAGS,
  WEB_NO_TAGS_ROLE_ARN,
  WEB_OTHER_IDP_ROLE_ARN,
  webIdentityWorld,
} from './support/web-identity-world';

const codeOf = (e: unknown): string => (e as { Code: string }).Code;

describe('STS AssumeRoleWithWebIdentity refusals (aws-local through @aws-sdk/client-sts)', () => {
  let issuer: TestIssuer;
  let unreachable: TestIssuer;
  let aws: AwsLocal;
  const assume = (token: string, input: Partial<AssumeRoleWithWebIdentityCommandInput> = {}) =>
    assumeWithToken(aws, token, input);

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
  afterEach(() => aws.setFaults({ clockSkewMs: 0 }));

  it('answers ExpiredTokenException for an expired token, on aws-local’s clock and with a small skew allowance', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await sdkError(
      assume(issuer.token({ ...studentClaims('late'), iat: now - 900, nbf: now - 900, exp: now - 120 })),
    );
    expect(codeOf(expired)).toBe('ExpiredTokenException');
    expect(expired.$metadata.httpStatusCode).toBe(400);
    expect(expired.message).toMatch(
      /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/,
    );
    // Thirty seconds past exp is within the allowance.
    await expect(
      assume(issuer.token({ ...studentClaims('drift'), iat: now - 300, nbf: now - 300, exp: now - 30 })),
    ).resolves.toBeDefined();
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
    const noTagSession = await sdkError(
      assume(issuer.token(studentClaims('carol')), { RoleArn: WEB_NO_TAGS_ROLE_ARN }),
    );
    expect(codeOf(noTagSession)).toBe('AccessDenied');
    expect(noTagSession.message).toBe('Not authorized to perform sts:TagSession');
    const plain = await assume(issuer.token({ sub: 'labkeys:tenant-a:carol' }), {
      RoleArn: WEB_NO_TAGS_ROLE_ARN,
      RoleSessionName: 'carol',
    });
    expect(plain.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/wi-no-tags/carol`);
    expect(plain.SourceIdentity).toBeUndefined();
    const otherIdp = await sdkError(
      assume(issuer.token({ sub: 'labkeys:tenant-a:carol' }), { RoleArn: WEB_OTHER_IDP_ROLE_ARN }),
    );
    expect(codeOf(otherIdp)).toBe('AccessDenied');
    const missingRole = await sdkError(
      assume(issuer.token(studentClaims('dave')), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/nope` }),
    );
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
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${'b'.repeat(2000)}` }],
    });
    expect(codeOf(await sdkError(assume(token, { Policy: big })))).toBe('PackedPolicyTooLarge');
    const arns = Array.from({ length: 11 }, (_, i) => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/p${i}` }));
    expect((await sdkError(assume(token, { PolicyArns: arns }))).message).toContain(
      "at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    for (const e of [badName, shortToken, tooLong]) expect(e.message).not.toContain(token.slice(0, 20));
  });
});
