import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, startAwsLocal, type AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { parse as parseYaml } from 'yaml';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';

const ACCOUNT = '123456789012';
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:user/admin`;
const fields = (body: { errors?: { field: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.field))].sort();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- hcl2-parser ships no type declarations to import with
const { parseToObject } = require('hcl2-parser') as {
  parseToObject(text: string): [Record<string, any> | null, unknown];
};

describe('AWS connections', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let aws: AwsLocal;
  let tenantA: { tenantId: string; ownerToken: string };
  let tenantB: { tenantId: string; ownerToken: string };
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    // LabKeys' own identity comes from the SDK's default chain: here, aws-local's admin user.
    process.env.AWS_ACCESS_KEY_ID = DEFAULT_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = DEFAULT_SECRET_ACCESS_KEY;
    aws = await startAwsLocal({ port: 0 });
    prisma = testPrisma();
    api = await startTestApi({ LABKEYS_AWS_PRINCIPAL_ARN: ADMIN_ARN });
    tenantA = await createTenantWithOwner(prisma);
    tenantB = await createTenantWithOwner(prisma);
  });
  afterAll(async () => {
    await api.close();
    await aws.close();
    await prisma.$disconnect();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  const create = (token: string, body: Record<string, unknown>) =>
    api.http.post('/v1/connections').set(bearer(token)).send(body);
  const valid = (extra: Record<string, unknown> = {}) => ({
    name: `conn-${Math.random().toString(36).slice(2)}`,
    accountId: ACCOUNT,
    region: 'us-east-1',
    ...extra,
  });

  it('creates a connection with a LabKeys-generated external id, lists, reads, updates and deletes it, auditing each change', async () => {
    const res = await create(
      tenantA.ownerToken,
      valid({ labRoleArn: `arn:aws:iam::${ACCOUNT}:role/labs/LabKeysLab` }),
    ).expect(201);
    expect(res.body).toMatchObject({
      accountId: ACCOUNT,
      region: 'us-east-1',
      partition: 'aws',
      labRoleArn: `arn:aws:iam::${ACCOUNT}:role/labs/LabKeysLab`,
      managementRoleArn: null,
      verifiedAt: null,
    });
    expect(res.body.externalId).toMatch(/^lk-[A-Za-z0-9_-]{32}$/);
    expect(res.body).not.toHaveProperty('tenantId');
    const id = res.body.id as string;
    const other = await create(tenantA.ownerToken, valid()).expect(201);
    expect(other.body.externalId).not.toBe(res.body.externalId);

    const list = await api.http
      .get('/v1/connections?limit=1&sort=-createdAt')
      .set(bearer(tenantA.ownerToken))
      .expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([other.body.id]);
    const next = await api.http
      .get(`/v1/connections?limit=1&sort=-createdAt&cursor=${list.body.nextCursor}`)
      .set(bearer(tenantA.ownerToken))
      .expect(200);
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    await api.http.get(`/v1/connections/${id}`).set(bearer(tenantA.ownerToken)).expect(200);

    await prisma.awsConnection.update({
      where: { id },
      data: { maxSessionSeconds: 7200, roleChaining: false, verifiedAt: new Date() },
    });
    const renamed = await api.http
      .patch(`/v1/connections/${id}`)
      .set(bearer(tenantA.ownerToken))
      .send({ name: 'renamed' })
      .expect(200);
    expect(renamed.body).toMatchObject({ name: 'renamed', maxSessionSeconds: 7200 });
    const moved = await api.http
      .patch(`/v1/connections/${id}`)
      .set(bearer(tenantA.ownerToken))
      .send({ labRoleArn: `arn:aws:iam::${ACCOUNT}:role/Other`, managementRoleArn: null })
      .expect(200);
    expect(moved.body).toMatchObject({
      labRoleArn: `arn:aws:iam::${ACCOUNT}:role/Other`,
      maxSessionSeconds: null,
      roleChaining: null,
      verifiedAt: null,
    });
    expect(moved.body.externalId).toBe(res.body.externalId);
    await api.http
      .patch(`/v1/connections/${id}`)
      .set(bearer(tenantA.ownerToken))
      .send({ name: other.body.name })
      .expect(409);

    await prisma.roleTemplate.create({
      data: {
        tenantId: tenantA.tenantId,
        connectionId: id,
        name: `t-${id}`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/Other`,
        durationSeconds: 3600,
      },
    });
    const inUse = await api.http.delete(`/v1/connections/${id}`).set(bearer(tenantA.ownerToken)).expect(409);
    expect(inUse.headers['content-type']).toMatch(/problem\+json/);
    await api.http.delete(`/v1/connections/${other.body.id}`).set(bearer(tenantA.ownerToken)).expect(204);
    await api.http.get(`/v1/connections/${other.body.id}`).set(bearer(tenantA.ownerToken)).expect(404);

    const actions = (
      await prisma.auditEvent.findMany({ where: { tenantId: tenantA.tenantId, subjectType: 'connection' } })
    ).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['connection.created', 'connection.updated', 'connection.deleted']));
  });

  it('names the field for each invalid input, and never takes an external id from the client', async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ externalId: 'lk-mine' }, ['externalId']],
      [{ accountId: '12345' }, ['accountId']],
      [{ region: 'moon-1' }, ['region']],
      [{ partition: 'aws-iso' }, ['partition']],
      [{ endpointOverride: 'ftp://127.0.0.1' }, ['endpointOverride']],
      [{ labRoleArn: 'arn:aws:iam::999999999999:role/Lab' }, ['labRoleArn']],
      [{ labRoleArn: `arn:aws:iam::${ACCOUNT}:user/admin` }, ['labRoleArn']],
      [{ partition: 'aws-cn', labRoleArn: `arn:aws:iam::${ACCOUNT}:role/Lab` }, ['labRoleArn']],
      [
        { managementRoleArn: 'arn:aws:iam::999999999999:role/M', labRoleArn: 'nope' },
        ['labRoleArn', 'managementRoleArn'],
      ],
    ];
    for (const [extra, expected] of cases) {
      const res = await create(tenantA.ownerToken, valid(extra)).expect(400);
      expect({ extra, fields: fields(res.body) }).toEqual({ extra, fields: expected });
    }
    const { body } = await create(tenantA.ownerToken, valid()).expect(201);
    const bad = await api.http
      .patch(`/v1/connections/${body.id}`)
      .set(bearer(tenantA.ownerToken))
      .send({ managementRoleArn: 'arn:aws:iam::999999999999:role/M' })
      .expect(400);
    expect(fields(bad.body)).toEqual(['managementRoleArn']);
    await api.http
      .patch(`/v1/connections/${body.id}`)
      .set(bearer(tenantA.ownerToken))
      .send({ accountId: '999999999999' })
      .expect(400);
  });

  it('gives setup as JSON, Terraform that parses as HCL and CloudFormation that parses as JSON and YAML', async () => {
    const { body: conn } = await create(
      tenantA.ownerToken,
      valid({
        labRoleArn: `arn:aws:iam::${ACCOUNT}:role/labs/LabKeysLab`,
        managementRoleArn: `arn:aws:iam::${ACCOUNT}:role/LabKeysManagement`,
      }),
    ).expect(201);
    const { body: setup } = await api.http
      .get(`/v1/connections/${conn.id}/setup`)
      .set(bearer(tenantA.ownerToken))
      .expect(200);

    const trust = setup.labRole.trustPolicy;
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { AWS: ADMIN_ARN },
        Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'sts:ExternalId': conn.externalId } },
      }),
    ]);
    expect(setup.labRole).toMatchObject({ roleName: 'LabKeysLab', path: '/labs/', roleArn: conn.labRoleArn });
    expect(setup.managementRole.policy.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'],
      Resource: conn.labRoleArn,
    });
    expect(setup.managementRole.trustPolicy.Statement[0].Condition).toEqual({
      StringEquals: { 'sts:ExternalId': conn.externalId },
    });

    const [hcl, hclErrors] = parseToObject(setup.terraform);
    expect(hclErrors).toBeNull();
    const lab = hcl!.resource.aws_iam_role.labkeys_lab[0];
    expect(lab).toMatchObject({ name: 'LabKeysLab', path: '/labs/', max_session_duration: 43200 });
    expect(JSON.parse(lab.assume_role_policy)).toEqual(trust);
    const mgmtPolicy = JSON.parse(hcl!.resource.aws_iam_role_policy.labkeys_management[0].policy);
    expect(mgmtPolicy).toEqual(setup.managementRole.policy);
    expect(setup.terraform).toContain(conn.externalId);

    const cfn = setup.cloudFormation;
    expect(JSON.parse(JSON.stringify(cfn.json))).toEqual(cfn.json);
    expect(parseYaml(cfn.yaml)).toEqual(cfn.json);
    expect(cfn.json.Resources.LabKeysLabRole.Properties.AssumeRolePolicyDocument).toEqual(trust);
    expect(cfn.json.Resources.LabKeysManagementRole.Properties.Policies[0].PolicyDocument).toEqual(
      setup.managementRole.policy,
    );
    expect(cfn.yaml).toContain(conn.externalId);
    expect(cfn.yaml).toContain('"sts:SetSourceIdentity"');
  });

  it("verifies against aws-local: trust ok with MaxSessionDuration for the setup's own trust policy, AWS's AccessDenied for a wrong external id", async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/labkeys/LabKeysVerify`;
    const { body: good } = await create(
      tenantA.ownerToken,
      valid({ labRoleArn: roleArn, endpointOverride: aws.url }),
    ).expect(201);
    const { body: setup } = await api.http
      .get(`/v1/connections/${good.id}/setup`)
      .set(bearer(tenantA.ownerToken))
      .expect(200);
    const iam = new IAMClient({
      endpoint: aws.url,
      region: 'us-east-1',
      credentials: { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY },
    });
    await iam.send(
      new CreateRoleCommand({
        RoleName: setup.labRole.roleName,
        Path: setup.labRole.path,
        AssumeRolePolicyDocument: JSON.stringify(setup.labRole.trustPolicy),
        MaxSessionDuration: 7200,
      }),
    );
    iam.destroy();

    const ok = await api.http.post(`/v1/connections/${good.id}/verify`).set(bearer(tenantA.ownerToken)).expect(200);
    expect(ok.body).toMatchObject({
      trust: { ok: true },
      maxSessionDuration: 7200,
      roleChaining: false,
      managementRole: null,
      labkeysIdentityArn: ADMIN_ARN,
    });
    expect(Date.parse(ok.body.checkedAt)).not.toBeNaN();
    expect(JSON.stringify(ok.body)).not.toMatch(/ASIA|SessionToken|SecretAccessKey/i);
    const stored = await prisma.awsConnection.findUniqueOrThrow({ where: { id: good.id } });
    expect(stored).toMatchObject({ maxSessionSeconds: 7200, roleChaining: false });
    expect(stored.verifiedAt).toBeInstanceOf(Date);

    const { body: wrong } = await create(
      tenantA.ownerToken,
      valid({ labRoleArn: roleArn, endpointOverride: aws.url }),
    ).expect(201);
    const denied = await api.http
      .post(`/v1/connections/${wrong.id}/verify`)
      .set(bearer(tenantA.ownerToken))
      .expect(200);
    expect(denied.body.trust).toEqual({
      ok: false,
      code: 'AccessDenied',
      message: `User: ${ADMIN_ARN} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    });
    expect((await prisma.awsConnection.findUniqueOrThrow({ where: { id: wrong.id } })).verifiedAt).toBeNull();
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: tenantA.tenantId, subjectId: wrong.id, action: 'connection.verified' },
    });
    expect(audit.summary).toMatchObject({ trustOk: false, code: 'AccessDenied' });
    for (const line of api.logs.text.split('\n')) expect(line).not.toMatch(/"(SecretAccessKey|SessionToken)"/);

    const { body: noRole } = await create(tenantA.ownerToken, valid({ endpointOverride: aws.url })).expect(201);
    await api.http.post(`/v1/connections/${noRole.id}/verify`).set(bearer(tenantA.ownerToken)).expect(409);
  });

  it("answers 404 with no data for another tenant's connection, and lists only the own tenant's", async () => {
    const { body: conn } = await create(
      tenantA.ownerToken,
      valid({ labRoleArn: `arn:aws:iam::${ACCOUNT}:role/Lab`, endpointOverride: aws.url }),
    ).expect(201);
    const b = bearer(tenantB.ownerToken);
    const answers = [
      await api.http.get(`/v1/connections/${conn.id}`).set(b),
      await api.http.patch(`/v1/connections/${conn.id}`).set(b).send({ name: 'stolen' }),
      await api.http.get(`/v1/connections/${conn.id}/setup`).set(b),
      await api.http.post(`/v1/connections/${conn.id}/verify`).set(b),
      await api.http.delete(`/v1/connections/${conn.id}`).set(b),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(conn.externalId);
    }
    const list = await api.http.get('/v1/connections').set(b).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(conn.id);
    expect((await prisma.awsConnection.findUniqueOrThrow({ where: { id: conn.id } })).name).toBe(conn.name);
  });
});
