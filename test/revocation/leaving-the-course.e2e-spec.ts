import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';
import { SseClient } from '../support/sse-client';
import { explicitlyDenied } from './support';

const EXTERNAL_ID = 'school-external-id-leaving';

/**
 * Issue 9, build points 2 and 8: archiving a course and deleting a student end access the way unenrolment
 * does (through revocation), and access tokens stop at the course's end or after their lifetime.
 */
describe('leaving a course ends access', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline([EXTERNAL_ID], {
      API_RATE_LIMIT_PER_MINUTE: '100000',
      STUDENT_TOKEN_LIFETIME_DAYS: '30',
    });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  async function runningClass(students: number): Promise<Classroom> {
    const { api, aws, prisma } = pipeline;
    const room = await createClassroom(prisma, { students, endpoint: aws.url, externalId: EXTERNAL_ID });
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(async () => {
      if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } })) !== students)
        throw new Error('not ACTIVE yet');
    }, 30000);
    return room;
  }

  const revokedAndDenied = async (labId: string, studentIds: string[]) =>
    eventually(async () => {
      const rows = await pipeline.prisma.labSession.findMany({ where: { labId, studentId: { in: studentIds } } });
      if (rows.length !== studentIds.length || rows.some((r) => r.state !== 'REVOKED'))
        throw new Error(`states ${rows.map((r) => r.state).join(',')}`);
      for (const r of rows) expect(explicitlyDenied(pipeline.aws, r.accessKeyId!)).toBe(true);
    }, 20000);

  it('archiving the course revokes every student and stops their links', async () => {
    const room = await runningClass(2);
    const { api } = pipeline;
    await api.http.post(`/v1/courses/${room.courseId}/archive`).set(bearer(room.ownerToken)).expect(200);
    await revokedAndDenied(
      room.labId,
      room.students.map((s) => s.id),
    );
    for (const s of room.students) await api.http.get('/v1/me/sessions/current').set(bearer(s.token)).expect(401);
    // Archiving twice records one archive and revokes nothing more.
    await api.http.post(`/v1/courses/${room.courseId}/archive`).set(bearer(room.ownerToken)).expect(200);
    expect(
      await pipeline.prisma.auditEvent.count({ where: { tenantId: room.tenantId, action: 'course.archived' } }),
    ).toBe(1);
  });

  it('deleting a student revokes them, erases their personal data and frees their email', async () => {
    const room = await runningClass(2);
    const { api, prisma } = pipeline;
    const [gone, stays] = room.students;
    await api.http.delete(`/v1/students/${gone.id}`).set(bearer(room.ownerToken)).expect(204);
    await revokedAndDenied(room.labId, [gone.id]);
    await api.http.get('/v1/me/sessions/current').set(bearer(gone.token)).expect(401);
    await api.http.get('/v1/me/sessions/current').set(bearer(stays.token)).expect(200);
    const row = await prisma.student.findUniqueOrThrow({ where: { id: gone.id } });
    expect(row.deletedAt).not.toBeNull();
    expect(row.email).not.toBe(gone.email);
    expect(row.displayName).toBeNull();
    await api.http.get(`/v1/students/${gone.id}`).set(bearer(room.ownerToken)).expect(404);
    const listed = (await api.http.get('/v1/students').set(bearer(room.ownerToken)).expect(200)).body.items as {
      id: string;
    }[];
    expect(listed.map((s) => s.id)).toEqual([stays.id]);
    await api.http.delete(`/v1/students/${gone.id}`).set(bearer(room.ownerToken)).expect(204);
    // The email can join again, as a new student.
    const again = await api.http
      .post(`/v1/courses/${room.courseId}/students`)
      .set(bearer(room.ownerToken))
      .send({ students: [{ email: gone.email }] })
      .expect(200);
    expect(again.body.students.created).toBe(1);
  });

  it('access links stop at the course end, or after their lifetime when the course has none', async () => {
    const { api, aws, prisma } = pipeline;
    const room = await createClassroom(prisma, { students: 2, endpoint: aws.url, externalId: EXTERNAL_ID });
    const [a, b] = room.students;
    await api.http.get('/v1/me/sessions/current').set(bearer(a.token)).expect(404);
    // 31 days old with a 30-day lifetime.
    await prisma.enrollment.updateMany({
      where: { courseId: room.courseId, studentId: a.id },
      data: { tokenIssuedAt: new Date(Date.now() - 31 * 86_400_000) },
    });
    await api.http.get('/v1/me/sessions/current').set(bearer(a.token)).expect(401);
    await api.http.get('/v1/me/sessions/current').set(bearer(b.token)).expect(404);
    // A course end overrides the lifetime either way.
    await api.http
      .patch(`/v1/courses/${room.courseId}`)
      .set(bearer(room.ownerToken))
      .send({ endsAt: new Date(Date.now() + 86_400_000).toISOString() })
      .expect(200);
    await api.http.get('/v1/me/sessions/current').set(bearer(a.token)).expect(404);
    await api.http
      .patch(`/v1/courses/${room.courseId}`)
      .set(bearer(room.ownerToken))
      .send({ endsAt: new Date(Date.now() - 1000).toISOString() })
      .expect(200);
    await api.http.get('/v1/me/sessions/current').set(bearer(b.token)).expect(401);
  });

  it('re-issuing a link closes the streams opened with the old one; the new link streams', async () => {
    const room = await runningClass(1);
    const { api, prisma, baseUrl } = pipeline;
    const [student] = room.students;
    const old = await SseClient.open(`${baseUrl}/v1/me/events`, student.token);
    try {
      await old.waitFor((events) => events.some((e) => e.event === 'session.current'), 10000);
      const enrollment = await prisma.enrollment.findFirstOrThrow({
        where: { courseId: room.courseId, studentId: student.id },
      });
      const fresh = (
        await api.http
          .post(`/v1/courses/${room.courseId}/enrollments/${enrollment.id}/access-link`)
          .set(bearer(room.ownerToken))
          .expect(200)
      ).body.accessToken as string;
      await old.waitClosed(10000);
      expect(old.events.filter((e) => e.event === 'session.current')).toHaveLength(1);
      await api.http.get('/v1/me/sessions/current').set(bearer(student.token)).expect(401);
      const current = await SseClient.open(`${baseUrl}/v1/me/events`, fresh);
      await current.waitFor((events) => events.some((e) => e.event === 'session.current'), 10000);
      current.stop();
    } finally {
      old.stop();
    }
  });
});
