import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, startAwsLocal, type AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { JobName, JobProducer, QueueName } from '@labkeys/queues';
import { createRolesFromSetup } from '../../scripts/demo/demo-aws';
import { SweepHandler } from '../../apps/worker/src/handlers/sweep.handler';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { startTestWorker, type TestWorker } from '../support/worker';

const ACCOUNT = '123456789012';
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:user/admin`;
const ADMIN = { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY };
const PREFIX = specQueuePrefix('verify');
const TRUST_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

/**
 * Acceptance 7 of issue 9: verify calls a connection verified only when it is safe to use, names what is
 * missing, keeps the outcome, and a lab cannot start on a connection whose last verify failed.
 */
describe('connection verify means safe to use', () => {
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let aws: AwsLocal;
  let iam: IAMClient;
  let tenant: { tenantId: string; ownerToken: string };
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    // LabKeys' own identity comes from the SDK's default chain: here, aws-local's admin user.
    process.env.AWS_ACCESS_KEY_ID = DEFAULT_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = DEFAULT_SECRET_ACCESS_KEY;
    aws = await startAwsLocal({ port: 0 });
    iam = new IAMClient({ endpoint: aws.url, region: 'us-east-1', credentials: ADMIN });
    prisma = testPrisma();
    const env = { LABKEYS_AWS_PRINCIPAL_ARN: ADMIN_ARN, QUEUE_PREFIX: PREFIX };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    tenant = await createTenantWithOwner(prisma);
  });
  afterAll(async () => {
    iam.destroy();
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  const owner = () => bearer(tenant.ownerToken);
  const connection = async (name: string, labRoleArn: string, managementRoleArn?: string) =>
    (
      await api.http
        .post('/v1/connections')
        .set(owner())
        .send({
          name,
          accountId: ACCOUNT,
          region: 'us-east-1',
          labRoleArn,
          managementRoleArn,
          endpointOverride: aws.url,
        })
        .expect(201)
    ).body as {
      id: string;
      name: string;
      externalId: string;
    };
  const verify = async (id: string) =>
    (await api.http.post(`/v1/connections/${id}/verify`).set(owner()).expect(200)).body;
  const setupOf = async (id: string) =>
    (await api.http.get(`/v1/connections/${id}/setup`).set(owner()).expect(200)).body;
  const roleWithTrust = (name: string, condition?: Record<string, unknown>) =>
    iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: ADMIN_ARN },
              Action: TRUST_ACTIONS,
              ...(condition && { Condition: condition }),
            },
          ],
        }),
      }),
    );
  const labOn = async (connectionId: string, roleArn: string) => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const template = await api.http
      .post('/v1/templates')
      .set(owner())
      .send({ name: `t-${suffix}`, connectionId, roleArn, durationSeconds: 900 })
      .expect(201);
    const course = await api.http
      .post('/v1/courses')
      .set(owner())
      .send({ code: `C-${suffix}`, title: 'Verify' })
      .expect(201);
    const lab = await api.http
      .post('/v1/labs')
      .set(owner())
      .send({
        name: `lab-${suffix}`,
        courseId: course.body.id,
        templateId: template.body.id,
        sessionDurationSeconds: 900,
      })
      .expect(201);
    return lab.body.id as string;
  };
  const stored = (id: string) => prisma.awsConnection.findUniqueOrThrow({ where: { id } });

  it('roles built from /setup verify green: trust, external id enforced, inline policies writable, the probe removed', async () => {
    const conn = await connection(
      'from-setup',
      `arn:aws:iam::${ACCOUNT}:role/labkeys/SetupLab`,
      `arn:aws:iam::${ACCOUNT}:role/labkeys/SetupManagement`,
    );
    await createRolesFromSetup(aws.url, ADMIN, await setupOf(conn.id));
    aws.resetCounters();

    const result = await verify(conn.id);
    expect(result).toMatchObject({
      verified: true,
      trust: { ok: true },
      externalIdEnforced: true,
      externalIdProbes: {
        withoutExternalId: { refused: true, code: 'AccessDenied' },
        wrongExternalId: { refused: true, code: 'AccessDenied' },
      },
      managementRole: { ok: true },
      inlinePolicies: {
        ok: true,
        principal: 'managementRole',
        principalArn: `arn:aws:iam::${ACCOUNT}:role/labkeys/SetupManagement`,
        missing: [],
      },
      maxSessionDuration: 43200,
      failures: [],
    });
    expect(result.inlinePolicies.probePolicyName).toMatch(/^LabKeysVerifyProbe-[0-9a-f]{12}$/);
    // The probe was really written and deleted, and nothing of it stays on the role.
    expect(aws.counters()).toMatchObject({
      'iam:PutRolePolicy': 1,
      'iam:DeleteRolePolicy': 1,
      'iam:GetRolePolicy': 1,
      'iam:ListRolePolicies': 1,
    });
    expect(Object.keys(aws.iam.getRole('SetupLab')!.inlinePolicies)).toEqual(['lab-permissions']);
    expect(JSON.stringify(result)).not.toMatch(/ASIA|SessionToken|SecretAccessKey/i);

    const row = await stored(conn.id);
    expect(row).toMatchObject({ lastVerifyOk: true, lastVerifyFailures: null });
    expect(row.verifiedAt).toEqual(row.lastVerifiedAt);
    const { body } = await api.http.get(`/v1/connections/${conn.id}`).set(owner()).expect(200);
    expect(body).toMatchObject({ lastVerifyOk: true, lastVerifyFailures: null, lastVerifiedAt: expect.any(String) });
  });

  it('the school fixture the other tests and the benchmarks run on verifies green too', async () => {
    const school = await startSchoolAws(['school-external-id-verify']);
    try {
      const room = await createClassroom(prisma, {
        students: 0,
        endpoint: school.url,
        externalId: 'school-external-id-verify',
      });
      const result = (
        await api.http.post(`/v1/connections/${room.connectionId}/verify`).set(bearer(room.ownerToken)).expect(200)
      ).body;
      expect(result).toMatchObject({
        verified: true,
        externalIdEnforced: true,
        inlinePolicies: { ok: true, principal: 'managementRole', missing: [] },
        failures: [],
      });
    } finally {
      await school.close();
    }
  });

  it('a lab role trusting LabKeys with no external-id condition → externalIdEnforced: false, not verified, and its labs answer 409 on start', async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/NoExternalId`;
    await roleWithTrust('NoExternalId');
    const conn = await connection('no-external-id', roleArn);

    const result = await verify(conn.id);
    expect(result).toMatchObject({
      verified: false,
      trust: { ok: true },
      externalIdEnforced: false,
      externalIdProbes: { withoutExternalId: { refused: false }, wrongExternalId: { refused: false } },
      inlinePolicies: { ok: true, principal: 'labkeysIdentity', principalArn: ADMIN_ARN, missing: [] },
      managementRole: null,
    });
    expect(result.failures).toEqual([
      { check: 'externalId', code: 'ExternalIdNotEnforced', message: expect.stringContaining(conn.externalId) },
    ]);
    const row = await stored(conn.id);
    expect(row).toMatchObject({ lastVerifyOk: false, verifiedAt: null, lastVerifyFailures: result.failures });
    expect(row.lastVerifiedAt).toBeInstanceOf(Date);

    const labId = await labOn(conn.id, roleArn);
    const refused = await api.http.post(`/v1/labs/${labId}/start`).set(owner()).expect(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 409, field: 'connectionId', connectionId: conn.id });
    expect(refused.body.detail).toContain(`"${conn.name}"`);
    expect(await prisma.lab.findUniqueOrThrow({ where: { id: labId } })).toMatchObject({
      state: 'SCHEDULED',
      startedAt: null,
    });

    // Changing what verify checked (here the region) clears the failed state with the rest of the verification.
    const edited = await api.http
      .patch(`/v1/connections/${conn.id}`)
      .set(owner())
      .send({ region: 'us-west-2' })
      .expect(200);
    expect(edited.body).toMatchObject({
      lastVerifyOk: null,
      lastVerifyFailures: null,
      lastVerifiedAt: null,
      verifiedAt: null,
    });
    await api.http.post(`/v1/labs/${labId}/start`).set(owner()).expect(202);
  });

  it('a trust that accepts any external id is refused as well: the wrong-external-id probe is let in', async () => {
    await roleWithTrust('AnyExternalId', { StringLike: { 'sts:ExternalId': '*' } });
    const conn = await connection('any-external-id', `arn:aws:iam::${ACCOUNT}:role/AnyExternalId`);
    const result = await verify(conn.id);
    expect(result).toMatchObject({
      verified: false,
      trust: { ok: true },
      externalIdEnforced: false,
      externalIdProbes: {
        withoutExternalId: { refused: true, code: 'AccessDenied' },
        wrongExternalId: { refused: false },
      },
    });
    expect(result.failures.map((f: { code: string }) => f.code)).toEqual(['ExternalIdNotEnforced']);
  });

  it("a management role without iam:PutRolePolicy → named in the result with AWS's code and message, not verified", async () => {
    const labRoleArn = `arn:aws:iam::${ACCOUNT}:role/labkeys/NoPutLab`;
    const conn = await connection('no-put', labRoleArn, `arn:aws:iam::${ACCOUNT}:role/labkeys/NoPutManagement`);
    const setup = await setupOf(conn.id);
    await createRolesFromSetup(aws.url, ADMIN, setup);
    const withoutPut = {
      ...setup.managementRole.policy,
      Statement: [
        {
          ...setup.managementRole.policy.Statement[0],
          Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'],
        },
      ],
    };
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'NoPutManagement',
        PolicyName: setup.managementRole.policyName,
        PolicyDocument: JSON.stringify(withoutPut),
      }),
    );

    const result = await verify(conn.id);
    const denial = `User: arn:aws:sts::${ACCOUNT}:assumed-role/NoPutManagement/labkeys-management is not authorized to perform: iam:PutRolePolicy on resource: ${labRoleArn}`;
    expect(result).toMatchObject({
      verified: false,
      trust: { ok: true },
      externalIdEnforced: true,
      managementRole: { ok: false, code: 'AccessDenied' },
    });
    expect(result.inlinePolicies).toMatchObject({
      ok: false,
      principal: 'managementRole',
      missing: [
        { action: 'iam:PutRolePolicy', code: 'AccessDenied', message: expect.stringContaining('iam:PutRolePolicy') },
      ],
    });
    expect(result.inlinePolicies.missing).toHaveLength(1);
    expect(result.inlinePolicies.missing[0].message).toMatch(
      new RegExp(`^${denial.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
    expect(result.failures).toEqual([
      {
        check: 'inlinePolicies',
        action: 'iam:PutRolePolicy',
        code: 'AccessDenied',
        message: result.inlinePolicies.missing[0].message,
      },
    ]);
    expect(await stored(conn.id)).toMatchObject({ lastVerifyOk: false, verifiedAt: null });
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: tenant.tenantId, subjectId: conn.id, action: 'connection.verified' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit.summary).toMatchObject({ verified: false, missing: ['iam:PutRolePolicy'] });

    // Granting it back turns the same connection green.
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'NoPutManagement',
        PolicyName: setup.managementRole.policyName,
        PolicyDocument: JSON.stringify(setup.managementRole.policy),
      }),
    );
    expect(await verify(conn.id)).toMatchObject({ verified: true, failures: [] });
    expect(await stored(conn.id)).toMatchObject({ lastVerifyOk: true });
  });

  it('a management role LabKeys cannot assume is named as such', async () => {
    const conn = await connection(
      'bad-management-trust',
      `arn:aws:iam::${ACCOUNT}:role/labkeys/SetupLab`,
      `arn:aws:iam::${ACCOUNT}:role/labkeys/SetupManagement`,
    );
    // The roles exist from the first test, but trust that connection's external id, not this one's.
    const result = await verify(conn.id);
    expect(result.verified).toBe(false);
    expect(result.managementRole).toMatchObject({ ok: false, code: 'AccessDenied' });
    const denied = (role: string) =>
      `User: ${ADMIN_ARN} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/labkeys/${role}`;
    // The lab role refuses this connection's external id too; the management role's refusal is named once, not per IAM action.
    expect(result.failures).toEqual([
      { check: 'trust', code: 'AccessDenied', message: denied('SetupLab') },
      { check: 'managementRole', action: 'sts:AssumeRole', code: 'AccessDenied', message: denied('SetupManagement') },
    ]);
  });

  it('a scheduled start on a failed connection is recorded once and leaves the lab SCHEDULED; the job is not retried and the sweep skips it until the connection changes', async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/ScheduledNoExternalId`;
    await roleWithTrust('ScheduledNoExternalId');
    const conn = await connection('scheduled-no-external-id', roleArn);
    expect((await verify(conn.id)).verified).toBe(false);
    const labId = await labOn(conn.id, roleArn);
    await prisma.lab.update({ where: { id: labId }, data: { startsAt: new Date(Date.now() - 1000) } });

    const producer = worker.app.get(JobProducer);
    await producer.add(JobName.StartLab, { tenantId: tenant.tenantId, labId });
    const queue = producer.queue(QueueName.Labs);
    const job = await eventually(async () => {
      const found = await queue.getJob(`start-lab-${labId}`);
      if ((await found?.getState()) !== 'completed') throw new Error('start job not completed yet');
      // Read again: it may have completed between the two calls above, after its fields were read.
      return (await queue.getJob(`start-lab-${labId}`))!;
    });
    expect(job.returnvalue).toBe('refused');
    expect(job.attemptsMade).toBe(1);
    const refusals = () =>
      prisma.auditEvent.findMany({
        where: { tenantId: tenant.tenantId, subjectId: labId, action: 'lab.start-refused' },
      });
    expect((await refusals()).map((e) => e.summary)).toEqual([
      { trigger: 'schedule', connectionId: conn.id, connectionName: conn.name, failures: ['ExternalIdNotEnforced'] },
    ]);

    const sweep = worker.app.get(SweepHandler);
    await sweep.handle();
    await sweep.handle();
    expect(await prisma.lab.findUniqueOrThrow({ where: { id: labId } })).toMatchObject({ state: 'SCHEDULED' });
    expect(await refusals()).toHaveLength(1);

    // Once the connection changes (its failed verify no longer holds), the sweep starts the due lab.
    await api.http.patch(`/v1/connections/${conn.id}`).set(owner()).send({ region: 'eu-west-1' }).expect(200);
    await sweep.handle();
    expect(await prisma.lab.findUniqueOrThrow({ where: { id: labId } })).toMatchObject({ state: 'RUNNING' });
  });
});
