import { randomUUID } from 'node:crypto';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startAwsLocal, type AwsLocal } from '@labkeys/aws-local';
import { SessionSecrets } from '@labkeys/core';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { ACCOUNT, ADMIN_CREDENTIALS, LAB_ROLE, LAB_ROLE_ARN, schoolWorld } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { SseClient } from '../support/sse-client';
import { startTestWorker, type TestWorker } from '../support/worker';
import { explicitlyDenied, listOwnPrefix, type Creds } from './support';

const EXTERNAL_ID = 'school-external-id-access-ends';
const ROLE_B = 'labkeys-lab-b';
const ROLE_B_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_B}`;

/** The school's account with a second lab role (B) trusting LabKeys the same way as the first (A). */
function twoRoleWorld() {
  const world = schoolWorld([EXTERNAL_ID]);
  const roles = world.accounts[0].roles!;
  roles.push({ ...roles.find((r) => r.name === LAB_ROLE)!, name: ROLE_B });
  return world;
}

/**
 * Issue 9: access ends when LabKeys says it ends — on the role the credentials were issued on, when a student
 * leaves the course, and whatever the clocks of LabKeys and AWS say.
 */
describe('access ends when LabKeys says it ends', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;

  const base = () => `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
  const activeCount = (labId: string) => prisma.labSession.count({ where: { labId, state: 'ACTIVE' } });
  const credsOf = async (token: string): Promise<Creds> =>
    (await api.http.get('/v1/me/sessions/current').set(bearer(token)).expect(200)).body as Creds;

  async function startAndWait(room: Classroom, labId = room.labId): Promise<void> {
    await api.http.post(`/v1/labs/${labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(async () => {
      if ((await activeCount(labId)) !== room.students.length) throw new Error('not all ACTIVE yet');
    }, 30000);
  }

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startAwsLocal({ port: 0, state: twoRoleWorld() });
    const env = {
      QUEUE_PREFIX: specQueuePrefix('accessends'),
      API_RATE_LIMIT_PER_MINUTE: '100000',
      RENEW_LEAD_SECONDS: '885',
    };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma?.$disconnect();
  });

  it('revokes on the role the credentials were issued on, and refuses a role change while a lab is live', async () => {
    const room = await createClassroom(prisma, { students: 3, endpoint: aws.url, externalId: EXTERNAL_ID });
    const owner = bearer(room.ownerToken);
    await startAndWait(room);
    const aEra = await Promise.all(room.students.map((s) => credsOf(s.token)));
    expect((await prisma.labSession.findMany({ where: { labId: room.labId } })).map((s) => s.roleArn)).toEqual([
      LAB_ROLE_ARN,
      LAB_ROLE_ARN,
      LAB_ROLE_ARN,
    ]);

    // The lab is live on role A: moving its template to role B is refused, naming the field.
    const refused = await api.http
      .patch(`/v1/templates/${room.templateId}`)
      .set(owner)
      .send({ roleArn: ROLE_B_ARN })
      .expect(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.field).toBe('roleArn');
    expect((await prisma.roleTemplate.findUniqueOrThrow({ where: { id: room.templateId } })).roleArn).toBe(
      LAB_ROLE_ARN,
    );

    // Ended, the template may move; a new lab on it issues on role B.
    await api.http.post(`/v1/labs/${room.labId}/end`).set(owner).expect(202);
    await eventually(async () => {
      if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'REVOKED' } })) !== 3)
        throw new Error('lab A not revoked yet');
    }, 20000);
    await api.http.patch(`/v1/templates/${room.templateId}`).set(owner).send({ roleArn: ROLE_B_ARN }).expect(200);
    const labB = (
      await api.http
        .post('/v1/labs')
        .set(owner)
        .send({ name: 'On role B', courseId: room.courseId, templateId: room.templateId, sessionDurationSeconds: 3600 })
        .expect(201)
    ).body.id as string;
    await startAndWait(room, labB);
    const bEra = await Promise.all(room.students.map((s) => credsOf(s.token)));
    expect((await prisma.labSession.findMany({ where: { labId: labB } })).every((s) => s.roleArn === ROLE_B_ARN)).toBe(
      true,
    );

    // An A-era session still live in the lab whose template now says B (issued before the edit): revoking it
    // must write the deny on role A, where its credentials came from.
    const straggler = await arrangeAEraSession(room, labB, room.students[0].id);
    const before = await listOwnPrefix(aws, straggler.creds, room.students[0].handle);
    expect(before).toBe('ok');
    await api.http.post(`/v1/labs/${labB}/sessions/${straggler.sessionId}/revoke`).set(owner).expect(202);
    await eventually(async () => {
      const row = await prisma.labSession.findUniqueOrThrow({ where: { id: straggler.sessionId } });
      if (row.state !== 'REVOKED') throw new Error(`straggler ${row.state}`);
    }, 20000);

    // Every A-era credential is denied by AWS; every B-era one still works.
    for (const [i, creds] of [...aEra, straggler.creds].entries()) {
      expect(explicitlyDenied(aws, creds.accessKeyId)).toBe(true);
      expect(await listOwnPrefix(aws, creds, room.students[i % 3].handle)).toBe('AccessDenied');
    }
    for (const [i, creds] of bEra.entries()) {
      expect(await listOwnPrefix(aws, creds, room.students[i].handle)).toBe('ok');
    }
    expect(aws.iam.getRole(ROLE_B)!.inlinePolicies[`LabKeysRevocations-${room.connectionId}`]).toBeUndefined();
  });

  it('a removed student loses their credentials, their stream and their token, and is never renewed', async () => {
    const room = await createClassroom(prisma, {
      students: 3,
      endpoint: aws.url,
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
      autoRenew: true,
    });
    const [leaver, stayer] = room.students;
    const stream = await SseClient.open(`${base()}/v1/me/events`, leaver.token);
    const classmate = await SseClient.open(`${base()}/v1/me/events`, stayer.token);
    try {
      await startAndWait(room);
      const creds = await credsOf(leaver.token);
      const enrollment = await prisma.enrollment.findFirstOrThrow({
        where: { courseId: room.courseId, studentId: leaver.id },
      });

      await api.http
        .delete(`/v1/courses/${room.courseId}/enrollments/${enrollment.id}`)
        .set(bearer(room.ownerToken))
        .expect(204);
      await stream.waitClosed(10000);
      await api.http.get('/v1/me/sessions/current').set(bearer(leaver.token)).expect(401);
      await eventually(async () => {
        const row = await prisma.labSession.findFirstOrThrow({ where: { labId: room.labId, studentId: leaver.id } });
        if (row.state !== 'REVOKED') throw new Error(`leaver ${row.state}`);
      }, 20000);
      expect(explicitlyDenied(aws, creds.accessKeyId)).toBe(true);
      expect(await listOwnPrefix(aws, creds, leaver.handle)).toBe('AccessDenied');
      // From here on (the management role's credentials are cached by now) every AssumeRole is a renewal.
      aws.resetCounters();

      // Renewals come due 15 s after issue: the classmates get successors, the leaver none.
      await classmate.waitFor((events) => events.some((e) => e.event === 'session.renewed'), 30000);
      await eventually(async () => {
        if (
          (await prisma.labSession.count({
            where: { labId: room.labId, predecessorId: { not: null }, state: 'ACTIVE' },
          })) !== 2
        )
          throw new Error('classmates not renewed');
      }, 30000);
      expect(await prisma.labSession.count({ where: { labId: room.labId, studentId: leaver.id } })).toBe(1);
      expect(aws.counters()['sts:AssumeRole']).toBe(2);
      const renewed = await credsOf(stayer.token);
      expect(await listOwnPrefix(aws, renewed, stayer.handle)).toBe('ok');
      expect(classmate.closed).toBe(false);
    } finally {
      stream.stop();
      classmate.stop();
    }
  });

  it('a session issued just before a lab revoke is denied although AWS runs 30 s ahead of LabKeys', async () => {
    const room = await createClassroom(prisma, { students: 2, endpoint: aws.url, externalId: EXTERNAL_ID });
    try {
      aws.faults = { clockSkewMs: 30_000 };
      await startAndWait(room);
      // LabKeys recorded the issue 10 s before the revocation; AWS stamped the token 30 s later by its clock.
      await prisma.$executeRaw`UPDATE lab_sessions SET issued_at = now() - interval '10 seconds' WHERE lab_id = ${room.labId}::uuid`;
      const creds = await Promise.all(room.students.map((s) => credsOf(s.token)));
      await api.http.post(`/v1/labs/${room.labId}/revoke`).set(bearer(room.ownerToken)).expect(202);
      await eventually(async () => {
        if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'REVOKED' } })) !== 2)
          throw new Error('not revoked yet');
      }, 20000);
      for (const c of creds) expect(explicitlyDenied(aws, c.accessKeyId)).toBe(true);
      for (const [i, c] of creds.entries())
        expect(await listOwnPrefix(aws, c, room.students[i].handle)).toBe('AccessDenied');
    } finally {
      aws.faults = { clockSkewMs: 0 };
    }
  });

  /** An ACTIVE session of `labId` holding real role-A credentials, as one issued before its template moved to B. */
  async function arrangeAEraSession(
    room: Classroom,
    labId: string,
    studentId: string,
  ): Promise<{ sessionId: string; creds: Creds }> {
    const sessionId = randomUUID();
    const sts = new STSClient({ endpoint: aws.url, region: 'us-east-1', credentials: ADMIN_CREDENTIALS });
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: LAB_ROLE_ARN,
        RoleSessionName: `lk-straggler-${sessionId.slice(0, 8)}`,
        ExternalId: EXTERNAL_ID,
        DurationSeconds: 3600,
        Tags: [
          { Key: 'labkeys:tenant', Value: room.tenantId },
          { Key: 'labkeys:lab', Value: labId },
          { Key: 'labkeys:session', Value: sessionId },
        ],
      }),
    );
    sts.destroy();
    const c = out.Credentials!;
    const { sealed, keyId } = api.app
      .get(SessionSecrets)
      .seal(room.tenantId, sessionId, { secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
    await prisma.labSession.create({
      data: {
        id: sessionId,
        tenantId: room.tenantId,
        labId,
        studentId,
        state: 'ACTIVE',
        roleSessionName: `lk-straggler-${sessionId.slice(0, 8)}`,
        accessKeyId: c.AccessKeyId!,
        sealedSecret: new Uint8Array(sealed),
        sealKeyId: keyId,
        assumedRoleId: out.AssumedRoleUser!.AssumedRoleId!,
        assumedRoleArn: out.AssumedRoleUser!.Arn!,
        connectionId: room.connectionId,
        roleArn: LAB_ROLE_ARN,
        issuedAt: new Date(Date.now() - 5 * 60_000),
        expiresAt: c.Expiration!,
      },
    });
    return {
      sessionId,
      creds: {
        sessionId,
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    };
  }
});
