import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { OidcIssuer } from '@labkeys/oidc';
import { bearer } from '../support/api';
import { LAB_ROLE_ARN } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { eventually } from '../support/processes';
import {
  applyWebIdentitySetup,
  startWebIdentityPipeline,
  withoutAwsCredentials,
  type WebIdentityPipeline,
} from '../support/web-identity';
import { explicitlyDenied, listBuckets, listOwnPrefix, type Creds } from '../revocation/support';

const STUDENTS = 30;
const ACCOUNT = '123456789012';
const LAB_ROLE_B = `arn:aws:iam::${ACCOUNT}:role/labkeys-lab-b`;
const MANAGEMENT_ROLE_B = `arn:aws:iam::${ACCOUNT}:role/labkeys-management-b`;

/**
 * Issue 14, acceptance 2: a webIdentity deployment with no AWS credentials anywhere in the api's and worker's
 * environment. aws-local trusts LabKeys' issuer (the in-process api's /oidc, fetched over http) through an IAM
 * OIDC provider created from /setup; issuing, scoping, revoking and verify all work; a token LabKeys signs for
 * tenant A cannot assume tenant B's role, although both trust the same provider.
 */
describe('web identity: a lab of 30 with no AWS credentials in LabKeys', () => {
  let pipe: WebIdentityPipeline;
  let room: Classroom;
  let other: Classroom;
  let env: { restore(): void };
  const creds = new Map<string, Creds & { handle: string }>();

  beforeAll(async () => {
    env = withoutAwsCredentials();
    pipe = await startWebIdentityPipeline({ WORKER_CONCURRENCY: '16' });
    room = await createClassroom(pipe.prisma, {
      students: STUDENTS,
      endpoint: pipe.aws.url,
      externalId: 'unused-in-web-identity',
    });
    other = await createClassroom(pipe.prisma, {
      students: 1,
      endpoint: pipe.aws.url,
      externalId: 'unused-in-web-identity-b',
      roleArn: LAB_ROLE_B,
    });
    await pipe.prisma.awsConnection.update({ where: { id: room.connectionId }, data: { mode: 'WEB_IDENTITY' } });
    await pipe.prisma.awsConnection.update({
      where: { id: other.connectionId },
      data: { mode: 'WEB_IDENTITY', managementRoleArn: MANAGEMENT_ROLE_B },
    });
    await applyWebIdentitySetup(pipe, room.ownerToken, room.connectionId);
    await applyWebIdentitySetup(pipe, other.ownerToken, other.connectionId);
  }, 120_000);
  afterAll(async () => {
    await pipe?.close();
    env.restore();
  });

  it('serves discovery and a JWKS at PUBLIC_URL/oidc, public and cacheable', async () => {
    const discovery = await pipe.api.http.get('/oidc/.well-known/openid-configuration').expect(200);
    expect(discovery.body).toMatchObject({
      issuer: pipe.issuer,
      jwks_uri: `${pipe.issuer}/jwks`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(discovery.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    await pipe.api.app.get(OidcIssuer).store.ensureKey();
    const jwks = await eventually(async () => {
      const res = await pipe.api.http.get('/oidc/jwks').expect(200);
      if (res.body.keys.length === 0) throw new Error('no key yet');
      return res;
    });
    expect(jwks.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    for (const key of jwks.body.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    }
    // Private parts are sealed at rest: no PEM, no JWK "d" in the table.
    const rows = await pipe.prisma.oidcSigningKey.findMany();
    for (const row of rows) {
      expect(Buffer.from(row.sealedPrivateKey).toString('latin1')).not.toContain('PRIVATE KEY');
      expect(JSON.stringify(row.publicJwk)).not.toContain('"d"');
    }
  });

  it('connections take mode assumeRole (default) or webIdentity; anything else is a 400 naming the field', async () => {
    const base = { accountId: ACCOUNT, region: 'us-east-1', endpointOverride: pipe.aws.url };
    const bad = await pipe.api.http
      .post('/v1/connections')
      .set(bearer(room.ownerToken))
      .send({ ...base, name: 'bad-mode', mode: 'keys' })
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['mode']);
    expect(await pipe.prisma.awsConnection.count({ where: { tenantId: room.tenantId, name: 'bad-mode' } })).toBe(0);
    const plain = await pipe.api.http
      .post('/v1/connections')
      .set(bearer(room.ownerToken))
      .send({ ...base, name: 'plain' })
      .expect(201);
    expect(plain.body.mode).toBe('assumeRole');
    const web = await pipe.api.http
      .post('/v1/connections')
      .set(bearer(room.ownerToken))
      .send({ ...base, name: 'web', mode: 'webIdentity' })
      .expect(201);
    expect(web.body.mode).toBe('webIdentity');
    expect((await pipe.prisma.awsConnection.findUniqueOrThrow({ where: { id: web.body.id } })).mode).toBe(
      'WEB_IDENTITY',
    );
    // Without a management role a webIdentity connection cannot revoke: verify says so instead of using LabKeys' (absent) identity.
    await pipe.api.http
      .patch(`/v1/connections/${web.body.id}`)
      .set(bearer(room.ownerToken))
      .send({ labRoleArn: LAB_ROLE_ARN })
      .expect(200);
    const verdict = (
      await pipe.api.http.post(`/v1/connections/${web.body.id}/verify`).set(bearer(room.ownerToken)).expect(200)
    ).body;
    expect(verdict.verified).toBe(false);
    expect(verdict.failures).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'ManagementRoleRequired' })]),
    );
  });

  it("/setup describes the OIDC provider and trust policies scoped to the tenant's subjects", async () => {
    const setup = (
      await pipe.api.http.get(`/v1/connections/${room.connectionId}/setup`).set(bearer(room.ownerToken)).expect(200)
    ).body;
    const key = pipe.issuer.replace(/^http:\/\//, '');
    const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${key}`;
    expect(setup).toMatchObject({
      mode: 'webIdentity',
      labkeysPrincipalArn: providerArn,
      externalId: null,
      oidcProvider: { url: pipe.issuer, arn: providerArn, clientIds: ['sts.amazonaws.com'] },
    });
    expect(setup.labRole.trustPolicy.Statement[0]).toEqual({
      Sid: 'LabKeysIssuesStudentSessions',
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
      Condition: {
        StringEquals: { [`${key}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${key}:sub`]: `labkeys:${room.tenantId}:*` },
      },
    });
    expect(setup.managementRole.trustPolicy.Statement[0].Condition.StringLike).toEqual({
      [`${key}:sub`]: `labkeys:${room.tenantId}:management`,
    });
    expect(setup.terraform).toContain('resource "aws_iam_openid_connect_provider" "labkeys"');
    expect(setup.terraform).toContain(`url            = "${pipe.issuer}"`);
    expect(setup.cloudFormation.json.Resources.LabKeysOidcProvider).toEqual({
      Type: 'AWS::IAM::OIDCProvider',
      Properties: { Url: pipe.issuer, ClientIdList: ['sts.amazonaws.com'] },
    });
    const api = (
      await pipe.api.http.get(`/v1/connections/${room.connectionId}`).set(bearer(room.ownerToken)).expect(200)
    ).body;
    expect(api.mode).toBe('webIdentity');
  });

  it("verify is green without AWS keys: provider trusts the issuer, another tenant's subject is refused", async () => {
    expect(process.env.AWS_ACCESS_KEY_ID).toBeUndefined();
    for (const r of [room, other]) {
      const result = (
        await pipe.api.http.post(`/v1/connections/${r.connectionId}/verify`).set(bearer(r.ownerToken)).expect(200)
      ).body;
      expect(result.failures).toEqual([]);
      expect(result).toMatchObject({
        verified: true,
        trust: { ok: true },
        otherTenantRefused: true,
        otherTenantProbe: { refused: true, code: 'AccessDenied' },
        oidcProvider: { ok: true },
        managementRole: { ok: true },
        inlinePolicies: { ok: true, missing: [] },
        roleChaining: false,
        externalIdEnforced: null,
      });
      expect(result.externalIdNote).toMatch(/do not apply to a webIdentity connection/);
    }
  });

  it('issues 30 sessions through AssumeRoleWithWebIdentity; credentials work and stay scoped', async () => {
    pipe.aws.resetCounters();
    await pipe.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(
      async () => {
        const active = await pipe.prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } });
        if (active !== STUDENTS) throw new Error(`${active} active`);
      },
      60_000,
      200,
    );
    for (const s of room.students) {
      const res = await pipe.api.http.get('/v1/me/sessions/current').set(bearer(s.token)).expect(200);
      creds.set(s.id, { ...res.body, handle: s.handle });
    }
    const counters = pipe.aws.counters();
    expect(counters['sts:AssumeRoleWithWebIdentity']).toBeGreaterThanOrEqual(STUDENTS);
    // Nothing was signed with an AWS key of LabKeys' own.
    expect(counters['sts:AssumeRole'] ?? 0).toBe(0);
    expect(counters['sts:GetCallerIdentity'] ?? 0).toBe(0);

    const first = creds.get(room.students[0].id)!;
    const sts = new STSClient({
      endpoint: pipe.aws.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: first.accessKeyId,
        secretAccessKey: first.secretAccessKey,
        sessionToken: first.sessionToken,
      },
    });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(me.Arn).toMatch(new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/labkeys-lab/lk-${first.handle}-`));
    for (const s of room.students) {
      const c = creds.get(s.id)!;
      expect(c.accessKeyId).toMatch(/^ASIA/);
      expect(await listOwnPrefix(pipe.aws, c, s.handle)).toBe('ok');
    }
    // Scoped by the template's session policy: not another student's prefix, not the bucket list.
    expect(await listOwnPrefix(pipe.aws, first, room.students[1].handle)).toBe('AccessDenied');
    expect(await listBuckets(pipe.aws, first)).toBe('AccessDenied');
    const session = await pipe.prisma.labSession.findFirstOrThrow({
      where: { labId: room.labId, studentId: room.students[0].id },
    });
    expect(session.assumedRoleArn).toMatch(/assumed-role\/labkeys-lab\//);
  }, 90_000);

  it('revokes one student, then the lab: aws-local denies them, with no AWS key in LabKeys', async () => {
    const [revoked, classmate] = room.students;
    await pipe.api.http.post(`/v1/students/${revoked.id}/revoke`).set(bearer(room.ownerToken)).expect(202);
    await eventually(
      async () => {
        const row = await pipe.prisma.labSession.findFirstOrThrow({
          where: { labId: room.labId, studentId: revoked.id },
        });
        if (row.state !== 'REVOKED') throw new Error(row.state);
      },
      30_000,
      200,
    );
    expect(explicitlyDenied(pipe.aws, creds.get(revoked.id)!.accessKeyId)).toBe(true);
    expect(await listOwnPrefix(pipe.aws, creds.get(revoked.id)!, revoked.handle)).toBe('AccessDenied');
    expect(await listOwnPrefix(pipe.aws, creds.get(classmate.id)!, classmate.handle)).toBe('ok');

    await pipe.api.http.post(`/v1/labs/${room.labId}/revoke`).set(bearer(room.ownerToken)).expect(202);
    await eventually(
      async () => {
        const live = await pipe.prisma.labSession.count({ where: { labId: room.labId, state: { not: 'REVOKED' } } });
        if (live > 0) throw new Error(`${live} not revoked`);
      },
      30_000,
      200,
    );
    for (const s of room.students) expect(explicitlyDenied(pipe.aws, creds.get(s.id)!.accessKeyId)).toBe(true);
    expect(await listOwnPrefix(pipe.aws, creds.get(classmate.id)!, classmate.handle)).toBe('AccessDenied');
    // The denies were written through the management role assumed with a web identity token.
    const policies = pipe.aws.iam.getRole('labkeys-lab')?.inlinePolicies ?? {};
    expect(Object.keys(policies).some((name) => name.startsWith('LabKeysRevocations'))).toBe(true);
    expect(pipe.aws.counters()['sts:AssumeRole'] ?? 0).toBe(0);
  }, 90_000);

  it('tokens are short-lived, unique, tenant-scoped, and carry the session tags and source identity', async () => {
    const issuer = pipe.worker.app.get(OidcIssuer);
    const request = {
      subject: `labkeys:${room.tenantId}:${room.students[0].handle}`,
      tags: [
        { Key: 'labkeys:tenant', Value: room.tenantId },
        { Key: 'course', Value: room.courseCode },
      ],
      transitiveTagKeys: ['course'],
      sourceIdentity: room.students[0].handle,
    };
    const [a, b] = [await issuer.token(request), await issuer.token(request)];
    const decode = (t: string, part: number) => JSON.parse(Buffer.from(t.split('.')[part], 'base64url').toString());
    const jwks = (await pipe.api.http.get('/oidc/jwks').expect(200)).body.keys.map((k: { kid: string }) => k.kid);
    expect(decode(a, 0)).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(jwks).toContain(decode(a, 0).kid);
    const claims = decode(a, 1);
    expect(claims).toEqual({
      iss: pipe.issuer,
      sub: request.subject,
      aud: 'sts.amazonaws.com',
      iat: expect.any(Number),
      nbf: claims.iat,
      exp: claims.iat + 300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'https://aws.amazon.com/tags': {
        principal_tags: { 'labkeys:tenant': [room.tenantId], course: [room.courseCode] },
        transitive_tag_keys: ['course'],
      },
      'https://aws.amazon.com/source_identity': room.students[0].handle,
    });
    expect(decode(b, 1).jti).not.toBe(claims.jti);
  });

  it("a token LabKeys signs for tenant A cannot assume tenant B's role (same provider): AccessDenied", async () => {
    const issuer = pipe.worker.app.get(OidcIssuer);
    const sts = new STSClient({ endpoint: pipe.aws.url, region: 'us-east-1', maxAttempts: 1 });
    const assume = async (tenantId: string, roleArn: string) =>
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: 'cross-tenant-probe',
          WebIdentityToken: await issuer.token({ subject: `labkeys:${tenantId}:${room.students[2].handle}` }),
        }),
      );
    try {
      await expect(assume(room.tenantId, LAB_ROLE_B)).rejects.toMatchObject({ name: 'AccessDenied' });
      await expect(assume(room.tenantId, MANAGEMENT_ROLE_B)).rejects.toMatchObject({ name: 'AccessDenied' });
      // The same token shape for B's own tenant is let in: the refusal is the subject, nothing else.
      const own = await assume(other.tenantId, LAB_ROLE_B);
      expect(own.SubjectFromWebIdentityToken).toBe(`labkeys:${other.tenantId}:${room.students[2].handle}`);
      expect(own.Provider).toBe(pipe.issuer);
      expect(own.Audience).toBe('sts.amazonaws.com');
      await expect(assume(other.tenantId, LAB_ROLE_ARN)).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      sts.destroy();
    }
  });
});
