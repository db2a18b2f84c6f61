import { specQueuePrefix } from '../support/env';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { SseClient } from '../support/sse-client';
import { startTestWorker, type TestWorker } from '../support/worker';
import { explicitlyDenied, listBuckets, listOwnPrefix, type Creds } from './support';

const EXTERNAL_ID = 'school-external-id-revocation';
const PREFIX = specQueuePrefix('revoke');

describe('revoking students, sessions and labs denies their credentials in AWS', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;
  let labB: string;
  let instructor: SseClient;
  const streams = new Map<string, SseClient>();
  const creds = new Map<string, Creds>();

  const base = () => `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
  const sessionOf = (studentIndex: number, labId: string) =>
    prisma.labSession.findFirstOrThrow({ where: { labId, studentId: room.students[studentIndex].id } });

  /** Waits for REVOKED and checks, at the moment LabKeys says so, that AWS already denies the credentials. */
  async function expectRevokedAndDenied(sessionIds: string[]): Promise<void> {
    const violations: string[] = [];
    await eventually(async () => {
      const rows = await prisma.labSession.findMany({ where: { id: { in: sessionIds } } });
      for (const row of rows.filter((r) => r.state === 'REVOKED')) {
        if (!explicitlyDenied(aws, row.accessKeyId!)) violations.push(`${row.id} REVOKED but not denied`);
      }
      if (rows.some((r) => r.state !== 'REVOKED')) throw new Error(`states ${rows.map((r) => r.state).join(',')}`);
    }, 20000);
    expect(violations).toEqual([]);
    const rows = await prisma.labSession.findMany({ where: { id: { in: sessionIds } } });
    for (const row of rows) {
      expect(explicitlyDenied(aws, row.accessKeyId!)).toBe(true);
      expect(row.sealedSecret).toBeNull();
    }
  }

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    const env = { QUEUE_PREFIX: PREFIX, WORKER_CONCURRENCY: '8', API_RATE_LIMIT_PER_MINUTE: '100000' };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    room = await createClassroom(prisma, { students: 6, endpoint: aws.url, externalId: EXTERNAL_ID });
    // A second lab of the course on the same lab role.
    labB = (
      await prisma.lab.create({
        data: {
          tenantId: room.tenantId,
          courseId: room.courseId,
          templateId: room.templateId,
          name: 'Lab B',
          sessionDurationSeconds: 3600,
        },
      })
    ).id;
    for (const s of room.students) streams.set(s.id, await SseClient.open(`${base()}/v1/me/events`, s.token));
    instructor = await SseClient.open(`${base()}/v1/labs/${room.labId}/events`, room.ownerToken);
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await api.http.post(`/v1/labs/${labB}/start`).set(bearer(room.ownerToken)).expect(202);
    await Promise.all(
      room.students.map((s) =>
        streams.get(s.id)!.waitFor((events) => events.filter((e) => e.event === 'session.issued').length === 2, 60000),
      ),
    );
    for (const stream of streams.values()) {
      for (const e of stream.events.filter((x) => x.event === 'session.issued'))
        creds.set((e.data as Creds).sessionId, e.data as Creds);
    }
  });
  afterAll(async () => {
    for (const stream of streams.values()) stream.stop();
    instructor?.stop();
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('a revoked student is denied on every call in every lab while classmates keep working', async () => {
    const revokedA = await sessionOf(0, room.labId);
    const revokedB = await sessionOf(0, labB);
    const classmate = await sessionOf(1, room.labId);
    expect(await listOwnPrefix(aws, creds.get(revokedA.id)!, room.students[0].handle)).toBe('ok');

    const res = await api.http
      .post(`/v1/students/${room.students[0].id}/revoke`)
      .set(bearer(room.ownerToken))
      .expect(202);
    expect(res.body).toEqual({ revoked: 0, revoking: 2 });
    await expectRevokedAndDenied([revokedA.id, revokedB.id]);

    for (const id of [revokedA.id, revokedB.id]) {
      expect(await listOwnPrefix(aws, creds.get(id)!, room.students[0].handle)).toBe('AccessDenied');
      expect(await listBuckets(aws, creds.get(id)!)).toBe('AccessDenied');
    }
    expect(await listOwnPrefix(aws, creds.get(classmate.id)!, room.students[1].handle)).toBe('ok');
    // No explicit deny touches the classmate (the session policy alone decides their scope).
    expect(aws.authorize(classmate.accessKeyId!, 's3:ListBucket', 'arn:aws:s3:::class-bucket')?.decision).not.toBe(
      'deny',
    );

    await streams
      .get(room.students[0].id)!
      .waitFor((events) => events.filter((e) => e.event === 'session.ended').length >= 2);
    await instructor.waitFor((events) =>
      events.some(
        (e) =>
          e.event === 'session.state' &&
          (e.data as { sessionId: string; state: string }).sessionId === revokedA.id &&
          (e.data as { state: string }).state === 'REVOKED',
      ),
    );
    const audit = await prisma.auditEvent.findMany({
      where: { tenantId: room.tenantId, action: { in: ['student.revoked', 'revocation.applied'] } },
    });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['student.revoked', 'revocation.applied']));
  });

  it("one revoked session is denied while the same student's other lab keeps working", async () => {
    const target = await sessionOf(1, labB);
    const other = await sessionOf(1, room.labId);
    const res = await api.http
      .post(`/v1/labs/${labB}/sessions/${target.id}/revoke`)
      .set(bearer(room.ownerToken))
      .expect(202);
    expect(res.body).toEqual({ revoked: 0, revoking: 1 });
    await expectRevokedAndDenied([target.id]);
    expect(await listOwnPrefix(aws, creds.get(target.id)!, room.students[1].handle)).toBe('AccessDenied');
    expect(await listOwnPrefix(aws, creds.get(other.id)!, room.students[1].handle)).toBe('ok');
    // Revoking it again changes nothing.
    await api.http
      .post(`/v1/labs/${labB}/sessions/${target.id}/revoke`)
      .set(bearer(room.ownerToken))
      .expect(202, { revoked: 0, revoking: 0 });
  });

  it('a revoked lab denies all its sessions while the other lab on the same role still works, and a restart re-issues nobody', async () => {
    const labA = await prisma.labSession.findMany({ where: { labId: room.labId, state: 'ACTIVE' } });
    expect(labA).toHaveLength(5);
    const res = await api.http.post(`/v1/labs/${room.labId}/revoke`).set(bearer(room.ownerToken)).expect(202);
    expect(res.body).toEqual({ revoked: 0, revoking: 5 });
    await expectRevokedAndDenied(labA.map((s) => s.id));
    const policy = aws.iam.getRole('labkeys-lab')!.inlinePolicies[`LabKeysRevocations-${room.connectionId}`] as {
      Statement: { Condition: Record<string, Record<string, unknown>> }[];
    };
    expect(policy.Statement.some((s) => s.Condition.StringEquals['aws:PrincipalTag/labkeys:lab'] === room.labId)).toBe(
      true,
    );

    for (const i of [2, 3, 4, 5]) {
      const b = await sessionOf(i, labB);
      expect(await listOwnPrefix(aws, creds.get(b.id)!, room.students[i].handle)).toBe('ok');
      expect(await listOwnPrefix(aws, creds.get((await sessionOf(i, room.labId)).id)!, room.students[i].handle)).toBe(
        'AccessDenied',
      );
    }
    const again = await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    expect(again.body).toMatchObject({ created: 0 });
  });

  it('ending a lab ends every live session and the lab; other tenants get 404', async () => {
    const live = await prisma.labSession.findMany({ where: { labId: labB, state: 'ACTIVE' } });
    expect(live).toHaveLength(4);
    const other = await createTenantWithOwner(prisma);
    await api.http.post(`/v1/labs/${labB}/end`).set(bearer(other.ownerToken)).expect(404);
    await api.http.post(`/v1/labs/${labB}/revoke`).set(bearer(other.ownerToken)).expect(404);
    await api.http.post(`/v1/students/${room.students[2].id}/revoke`).set(bearer(other.ownerToken)).expect(404);

    const res = await api.http.post(`/v1/labs/${labB}/end`).set(bearer(room.ownerToken)).expect(202);
    expect(res.body).toEqual({ labId: labB, state: 'ENDED', revoked: 0, revoking: 4 });
    await expectRevokedAndDenied(live.map((s) => s.id));
    expect((await prisma.lab.findUniqueOrThrow({ where: { id: labB } })).state).toBe('ENDED');
    await api.http.post(`/v1/labs/${labB}/start`).set(bearer(room.ownerToken)).expect(409);

    const scheduled = await prisma.lab.create({
      data: {
        tenantId: room.tenantId,
        courseId: room.courseId,
        templateId: room.templateId,
        name: 'Later',
        sessionDurationSeconds: 3600,
      },
    });
    const conflict = await api.http.post(`/v1/labs/${scheduled.id}/end`).set(bearer(room.ownerToken)).expect(409);
    expect(conflict.headers['content-type']).toContain('application/problem+json');
  });

  it('a lab ends by itself at its end time, and its sessions are denied', async () => {
    const lab = await prisma.lab.create({
      data: {
        tenantId: room.tenantId,
        courseId: room.courseId,
        templateId: room.templateId,
        name: 'Short',
        sessionDurationSeconds: 3600,
        endsAt: new Date(Date.now() + 4000),
      },
    });
    await api.http.post(`/v1/labs/${lab.id}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(async () => {
      if ((await prisma.lab.findUniqueOrThrow({ where: { id: lab.id } })).state !== 'ENDED')
        throw new Error('still running');
    }, 20000);
    const sessions = await prisma.labSession.findMany({ where: { labId: lab.id } });
    expect(sessions).toHaveLength(6);
    expect(sessions.filter((s) => s.accessKeyId).length).toBeGreaterThan(0);
    await expectRevokedAndDenied(sessions.filter((s) => s.accessKeyId).map((s) => s.id));
    expect(sessions.every((s) => s.state === 'REVOKED' || s.state === 'REVOKING')).toBe(true);
  });
});
