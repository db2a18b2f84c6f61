import type { AssumeRoleCommandInput, AssumeRoleWithWebIdentityCommandInput } from '@aws-sdk/client-sts';
import { SessionIssuer, type SessionRequest } from './session-issuer';
import type { AssumedRole, StsGateway } from './sts.gateway';
import type { WebIdentityTokenRequest, WebIdentityTokenSource } from './web-identity';

// One class under test; STS and the token source are stand-ins recording what they were asked.
const ISSUED: AssumedRole = {
  accessKeyId: 'ASIA',
  secretAccessKey: 's',
  sessionToken: 't',
  expiration: new Date(),
  assumedRoleId: 'AROA:x',
  assumedRoleArn: 'arn',
};

function setup() {
  const calls: {
    assumeRole: AssumeRoleCommandInput[];
    webIdentity: AssumeRoleWithWebIdentityCommandInput[];
    tokens: WebIdentityTokenRequest[];
  } = { assumeRole: [], webIdentity: [], tokens: [] };
  const sts = {
    assumeRole: async (_t: unknown, input: AssumeRoleCommandInput) => (calls.assumeRole.push(input), ISSUED),
    assumeRoleWithWebIdentity: async (_t: unknown, input: AssumeRoleWithWebIdentityCommandInput) => (
      calls.webIdentity.push(input),
      ISSUED
    ),
  } as unknown as StsGateway;
  const tokens: WebIdentityTokenSource = { token: async (request) => (calls.tokens.push(request), 'signed.jwt.token') };
  return { calls, issuer: new SessionIssuer(sts, tokens) };
}

const input: SessionRequest = {
  RoleArn: 'arn:aws:iam::123456789012:role/lab',
  RoleSessionName: 'lk-s-abc-12345678',
  DurationSeconds: 3600,
  Policy: '{"Version":"2012-10-17","Statement":[]}',
  PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
  Tags: [
    { Key: 'labkeys:tenant', Value: 't1' },
    { Key: 'course', Value: 'CLOUD' },
  ],
  TransitiveTagKeys: ['course'],
  SourceIdentity: 's-abc',
  ExternalId: 'ext-123',
};

describe('SessionIssuer', () => {
  it('assumeRole connections call AssumeRole with the input as it is', async () => {
    const { calls, issuer } = setup();
    await issuer.issue({ tenantId: 't1', mode: 'ASSUME_ROLE', region: 'us-east-1' } as never, input, 's-abc');
    expect(calls.assumeRole).toEqual([input]);
    expect(calls.webIdentity).toEqual([]);
    expect(calls.tokens).toEqual([]);
  });

  it('webIdentity connections sign a token for labkeys:<tenant>:<subject> carrying tags and source identity', async () => {
    const { calls, issuer } = setup();
    await expect(
      issuer.issue({ tenantId: 't1', mode: 'WEB_IDENTITY', region: 'us-east-1' } as never, input, 's-abc'),
    ).resolves.toBe(ISSUED);
    expect(calls.tokens).toEqual([
      { subject: 'labkeys:t1:s-abc', tags: input.Tags, transitiveTagKeys: ['course'], sourceIdentity: 's-abc' },
    ]);
    // No ExternalId, Tags or SourceIdentity parameters: AssumeRoleWithWebIdentity takes them from the token.
    expect(calls.webIdentity).toEqual([
      {
        RoleArn: input.RoleArn,
        RoleSessionName: input.RoleSessionName,
        WebIdentityToken: 'signed.jwt.token',
        DurationSeconds: 3600,
        Policy: input.Policy,
        PolicyArns: input.PolicyArns,
      },
    ]);
    expect(calls.assumeRole).toEqual([]);
  });

  it('refuses web identity permanently when the process has no issuer', async () => {
    const issuer = new SessionIssuer({} as StsGateway, null);
    await expect(
      issuer.issue({ tenantId: 't1', mode: 'WEB_IDENTITY', region: 'us-east-1' } as never, input, 's-abc'),
    ).rejects.toMatchObject({ code: 'WebIdentityUnavailable', retryable: false });
  });
});
