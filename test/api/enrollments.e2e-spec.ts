import { createHash } from 'node:crypto';
import type { PrismaClient } from '@labkeys/database';
import { TokenAuthenticator } from '../../apps/api/src/auth/token-authenticator.service';
import * as handles from '../../libs/templates/src/student-handle.generator';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';

type Auth = ReturnType<typeof bearer>;
interface AccessLink {
  studentId: string;
  email: string;
  enrollmentId: string;
  accessToken: string;
  accessLink: string;
}
const fields = (body: { errors?: { field: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.field))].sort();
const sha256 = (raw: string) => createHash('sha256').update(raw).digest('hex');
const roster = (n: number, prefix: string) =>
  ['email,displayName', ...Array.from({ length: n }, (_, i) => `${prefix}${i}@Example.edu,Student ${i}`)].join('\r\n') +
  '\r\n';

describe('students, enrollments and roster imports', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let tokens: TokenAuthenticator;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi();
    tokens = api.app.get(TokenAuthenticator);
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  async function tenantWithCourse(code = 'CS-101') {
    const tenant = await createTenantWithOwner(prisma);
    const auth = bearer(tenant.ownerToken);
    const course = (await api.http.post('/v1/courses').set(auth).send({ code, title: 'Cloud Foundations' }).expect(201))
      .body;
    return { tenant, auth, course, tenantId: tenant.tenantId };
  }
  const importJson = (auth: Auth, courseId: string, students: unknown[]) =>
    api.http.post(`/v1/courses/${courseId}/students`).set(auth).send({ students });
  const importCsv = (auth: Auth, courseId: string, csv: string) =>
    api.http.post(`/v1/courses/${courseId}/students/csv`).set(auth).set('Content-Type', 'text/csv').send(csv);

  it('imports JSON idempotently, gives pseudonymous handles and working one-time access links', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const first = await importJson(auth, course.id, [
      { email: ' Grace@Example.EDU ', displayName: 'Grace Hopper' },
      { email: 'alan@example.edu' },
    ]).expect(200);
    expect(first.body.students).toEqual({ created: 2, existing: 0 });
    expect(first.body.enrollments).toEqual({ created: 2, reactivated: 0, alreadyEnrolled: 0 });
    expect(first.body.accessLinks).toHaveLength(2);
    const grace: AccessLink = first.body.accessLinks[0];
    expect(grace.email).toBe('grace@example.edu');
    expect(grace.accessToken).toMatch(/^lks_[A-Za-z0-9_-]{43}$/);
    expect(grace.accessLink).toMatch(new RegExp(`^https?://[^#]+/student#token=${grace.accessToken}$`));
    expect(await tokens.student(grace.accessToken)).toMatchObject({
      tenantId,
      studentId: grace.studentId,
      enrollmentId: grace.enrollmentId,
      courseId: course.id,
    });

    const students = await prisma.student.findMany({ where: { tenantId }, orderBy: { email: 'asc' } });
    expect(students.map((s) => [s.email, s.displayName])).toEqual([
      ['alan@example.edu', null],
      ['grace@example.edu', 'Grace Hopper'],
    ]);
    for (const s of students) {
      expect(s.handle).toMatch(/^s-[a-z2-7]{10}$/);
      expect(s.handle).not.toMatch(/grace|alan/);
    }

    const again = await importJson(auth, course.id, [
      { email: 'grace@example.edu', displayName: 'Someone Else' },
      { email: 'new@example.edu' },
    ]).expect(200);
    expect(again.body).toMatchObject({
      students: { created: 1, existing: 1 },
      enrollments: { created: 1, reactivated: 0, alreadyEnrolled: 1 },
    });
    expect(again.body.accessLinks.map((l: AccessLink) => l.email)).toEqual(['new@example.edu']);
    // Existing students keep their name, and the first link still works.
    expect(
      (await prisma.student.findFirstOrThrow({ where: { tenantId, email: 'grace@example.edu' } })).displayName,
    ).toBe('Grace Hopper');
    expect(await tokens.student(grace.accessToken)).not.toBeNull();
    expect((await api.http.get(`/v1/courses/${course.id}`).set(auth).expect(200)).body.activeEnrollments).toBe(3);

    const events = await prisma.auditEvent.findMany({
      where: { tenantId, action: 'students.imported' },
      orderBy: { createdAt: 'asc' },
    });
    expect(events.map((e) => e.summary)).toEqual([
      {
        source: 'json',
        rows: 2,
        students: { created: 2, existing: 0 },
        enrollments: { created: 2, reactivated: 0, alreadyEnrolled: 0 },
      },
      {
        source: 'json',
        rows: 2,
        students: { created: 1, existing: 1 },
        enrollments: { created: 1, reactivated: 0, alreadyEnrolled: 1 },
      },
    ]);
    expect(events[0]).toMatchObject({ subjectType: 'course', subjectId: course.id, actorType: 'instructor' });
  });

  it('refuses invalid JSON rosters naming each entry, writing nothing', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const bad = await importJson(auth, course.id, [
      { email: 'ok@example.edu' },
      { email: 'nope' },
      { email: 'x@example.edu', displayName: '' },
      { email: 'y@example.edu', role: 'admin' },
    ]).expect(400);
    expect(fields(bad.body)).toEqual(['students[1].email', 'students[2].displayName', 'students[3].role']);
    const dup = await importJson(auth, course.id, [
      { email: 'a@example.edu' },
      { email: 'b@example.edu' },
      { email: 'A@example.edu ' },
    ]).expect(400);
    expect(dup.body.errors).toEqual([{ field: 'students[2].email', message: 'email repeats students[0].email' }]);
    expect(fields((await importJson(auth, course.id, []).expect(400)).body)).toEqual(['students']);
    const tooMany = Array.from({ length: 5001 }, (_, i) => ({ email: `m${i}@example.edu` }));
    expect(fields((await importJson(auth, course.id, tooMany).expect(400)).body)).toEqual(['students']);
    expect(
      fields((await api.http.post(`/v1/courses/${course.id}/students`).set(auth).send({}).expect(400)).body),
    ).toEqual(['students']);
    expect(fields((await importJson(auth, 'nope', [{ email: 'a@example.edu' }]).expect(400)).body)).toEqual([
      'courseId',
    ]);
    expect(await prisma.student.count({ where: { tenantId } })).toBe(0);
    expect(await prisma.enrollment.count({ where: { tenantId } })).toBe(0);
  });

  it('imports a 1,000-row CSV in one quick request, and a re-upload changes nothing', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const csv = roster(1000, 'bulk');
    const started = Date.now();
    const first = await importCsv(auth, course.id, csv).expect(200);
    const elapsed = Date.now() - started;
    console.log(`1,000-row CSV import took ${elapsed} ms`);
    expect(elapsed).toBeLessThan(5000);
    expect(first.body.students).toEqual({ created: 1000, existing: 0 });
    expect(first.body.enrollments).toEqual({ created: 1000, reactivated: 0, alreadyEnrolled: 0 });
    expect(first.body.accessLinks).toHaveLength(1000);
    expect(new Set(first.body.accessLinks.map((l: AccessLink) => l.accessToken)).size).toBe(1000);

    const second = await importCsv(auth, course.id, csv).expect(200);
    expect(second.body).toEqual({
      students: { created: 0, existing: 1000 },
      enrollments: { created: 0, reactivated: 0, alreadyEnrolled: 1000 },
      accessLinks: [],
    });
    const [counts] = await prisma.$queryRaw<
      { students: bigint; emails: bigint; handles: bigint; enrollments: bigint; pairs: bigint }[]
    >`
      SELECT (SELECT count(*) FROM students WHERE tenant_id = ${tenantId}::uuid) AS students,
             (SELECT count(DISTINCT email) FROM students WHERE tenant_id = ${tenantId}::uuid) AS emails,
             (SELECT count(DISTINCT handle) FROM students WHERE tenant_id = ${tenantId}::uuid) AS handles,
             (SELECT count(*) FROM enrollments WHERE tenant_id = ${tenantId}::uuid) AS enrollments,
             (SELECT count(DISTINCT student_id) FROM enrollments WHERE tenant_id = ${tenantId}::uuid AND course_id = ${course.id}::uuid) AS pairs`;
    expect(Object.values(counts).map(Number)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(
      await prisma.student.count({ where: { tenantId, email: 'bulk999@example.edu', displayName: 'Student 999' } }),
    ).toBe(1);
  });

  it('runs overlapping imports at the same time without duplicates or errors', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const emails = Array.from({ length: 300 }, (_, i) => `c${String(i).padStart(3, '0')}@example.edu`);
    const forward = emails.slice(0, 200).map((email) => ({ email }));
    const backward = emails
      .slice(100)
      .reverse()
      .map((email) => ({ email }));
    const [one, two] = await Promise.all([importJson(auth, course.id, forward), importJson(auth, course.id, backward)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.students.created + two.body.students.created).toBe(300);
    expect(one.body.enrollments.created + two.body.enrollments.created).toBe(300);
    expect(one.body.accessLinks.length + two.body.accessLinks.length).toBe(300);
    expect(await prisma.student.count({ where: { tenantId } })).toBe(300);
    expect(await prisma.enrollment.count({ where: { tenantId, courseId: course.id, unenrolledAt: null } })).toBe(300);
  });

  it('draws a new handle when a random one is already taken in the tenant', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const [first] = (await importJson(auth, course.id, [{ email: 'first@example.edu' }]).expect(200)).body
      .accessLinks as AccessLink[];
    const taken = (await prisma.student.findUniqueOrThrow({ where: { id: first.studentId } })).handle;
    const draw = jest.spyOn(handles, 'makeStudentHandle').mockReturnValueOnce(taken);
    try {
      const res = await importJson(auth, course.id, [{ email: 'second@example.edu' }]).expect(200);
      expect(res.body.students).toEqual({ created: 1, existing: 0 });
      expect(draw).toHaveBeenCalledTimes(2);
    } finally {
      draw.mockRestore();
    }
    const second = await prisma.student.findFirstOrThrow({ where: { tenantId, email: 'second@example.edu' } });
    expect(second.handle).toMatch(/^s-[a-z2-7]{10}$/);
    expect(second.handle).not.toBe(taken);
  });

  it('accepts multipart uploads with a BOM and extra columns, and refuses bad files naming the file or row', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const url = `/v1/courses/${course.id}/students/csv`;
    const file = Buffer.from(
      '\uFEFFStudent ID,Email,Display Name,Section\r\n1,ada@example.edu,Ada,A\r\n2,bob@example.edu,,B\r\n',
      'utf8',
    );
    const ok = await api.http
      .post(url)
      .set(auth)
      .attach('file', file, { filename: 'roster.csv', contentType: 'text/csv' })
      .expect(200);
    expect(ok.body.students).toEqual({ created: 2, existing: 0 });
    expect((await prisma.student.findFirstOrThrow({ where: { tenantId, email: 'ada@example.edu' } })).displayName).toBe(
      'Ada',
    );

    const badRows = await importCsv(auth, course.id, 'email\ncarol@example.edu\nnot-an-email\n\ndave@\n').expect(400);
    expect(fields(badRows.body)).toEqual(['rows[1].email', 'rows[2].email']);
    expect(badRows.body.errors[0].message).toMatch(/^line 3: /);
    const badMultipart = await api.http
      .post(url)
      .set(auth)
      .attach('file', Buffer.from('email\nzed@example.edu\nbroken\n'), 'r.csv')
      .expect(400);
    expect(fields(badMultipart.body)).toEqual(['rows[1].email']);
    expect(fields((await importCsv(auth, course.id, 'name\nCarol\n').expect(400)).body)).toEqual(['file']);
    expect(fields((await importCsv(auth, course.id, '').expect(400)).body)).toEqual(['file']);
    expect(fields((await api.http.post(url).set(auth).field('other', 'x').expect(400)).body)).toEqual(['file']);
    expect(fields((await api.http.post(url).set(auth).attach('upload', file, 'r.csv').expect(400)).body)).toEqual([
      'file',
    ]);
    expect(
      fields(
        (await api.http.post(url).set(auth).attach('file', file, 'a.csv').attach('file', file, 'b.csv').expect(400))
          .body,
      ),
    ).toEqual(['file']);
    const json = await api.http.post(url).set(auth).send({ students: [] }).expect(415);
    expect(json.headers['content-type']).toMatch(/problem\+json/);
    const huge = await importCsv(auth, course.id, 'email\n' + 'x'.repeat(6 * 1024 * 1024)).expect(413);
    expect(huge.body.status).toBe(413);
    expect(await prisma.student.count({ where: { tenantId } })).toBe(2);
  });

  it('unenrolls idempotently, cutting the link, and a re-import reactivates with a new link', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const [link] = (await importJson(auth, course.id, [{ email: 'una@example.edu' }]).expect(200)).body
      .accessLinks as AccessLink[];
    const path = `/v1/courses/${course.id}/enrollments/${link.enrollmentId}`;
    await api.http.delete(path).set(auth).expect(204);
    await api.http.delete(path).set(auth).expect(204);
    expect(await tokens.student(link.accessToken)).toBeNull();
    const row = await prisma.enrollment.findUniqueOrThrow({ where: { id: link.enrollmentId } });
    expect(row.accessTokenHash).toBeNull();
    expect(row.unenrolledAt).toBeInstanceOf(Date);
    expect(
      await prisma.auditEvent.count({
        where: { tenantId, action: 'enrollment.unenrolled', subjectId: link.enrollmentId },
      }),
    ).toBe(1);
    await api.http.post(`${path}/access-link`).set(auth).expect(409);

    const again = await importJson(auth, course.id, [{ email: 'una@example.edu' }]).expect(200);
    expect(again.body).toMatchObject({
      students: { created: 0, existing: 1 },
      enrollments: { created: 0, reactivated: 1, alreadyEnrolled: 0 },
    });
    const [renewed] = again.body.accessLinks as AccessLink[];
    expect(renewed.enrollmentId).toBe(link.enrollmentId);
    expect(renewed.accessToken).not.toBe(link.accessToken);
    expect(await tokens.student(renewed.accessToken)).toMatchObject({ enrollmentId: link.enrollmentId });
    expect(await tokens.student(link.accessToken)).toBeNull();
  });

  it('re-issues an access link, so the old token stops working at once', async () => {
    const { auth, course } = await tenantWithCourse();
    const [link] = (await importJson(auth, course.id, [{ email: 'rei@example.edu' }]).expect(200)).body
      .accessLinks as AccessLink[];
    const before = await prisma.enrollment.findUniqueOrThrow({ where: { id: link.enrollmentId } });
    const issued = await api.http
      .post(`/v1/courses/${course.id}/enrollments/${link.enrollmentId}/access-link`)
      .set(auth)
      .expect(200);
    expect(issued.body.accessLink).toBe(link.accessLink.replace(link.accessToken, issued.body.accessToken));
    const after = await prisma.enrollment.findUniqueOrThrow({ where: { id: link.enrollmentId } });
    expect(before.accessTokenHash).toBe(sha256(link.accessToken));
    expect(after.accessTokenHash).toBe(sha256(issued.body.accessToken));
    expect(await tokens.student(link.accessToken)).toBeNull();
    expect(await tokens.student(issued.body.accessToken)).toMatchObject({ enrollmentId: link.enrollmentId });
  });

  it('lists enrollments with student details and an active filter; refuses imports into archived courses', async () => {
    const { auth, course } = await tenantWithCourse();
    const links = (
      await importJson(
        auth,
        course.id,
        ['e1', 'e2', 'e3'].map((n) => ({ email: `${n}@example.edu`, displayName: n })),
      ).expect(200)
    ).body.accessLinks as AccessLink[];
    await api.http.delete(`/v1/courses/${course.id}/enrollments/${links[1].enrollmentId}`).set(auth).expect(204);
    const page1 = await api.http.get(`/v1/courses/${course.id}/enrollments?limit=2`).set(auth).expect(200);
    const page2 = await api.http
      .get(`/v1/courses/${course.id}/enrollments?limit=2&cursor=${page1.body.nextCursor}`)
      .set(auth)
      .expect(200);
    const all = [...page1.body.items, ...page2.body.items];
    expect(all.map((e) => e.student.email)).toEqual(['e1@example.edu', 'e2@example.edu', 'e3@example.edu']);
    expect(all[0]).toEqual({
      id: links[0].enrollmentId,
      courseId: course.id,
      studentId: links[0].studentId,
      student: {
        id: links[0].studentId,
        email: 'e1@example.edu',
        handle: expect.stringMatching(/^s-/),
        displayName: 'e1',
      },
      active: true,
      tokenIssuedAt: expect.any(String),
      unenrolledAt: null,
      email: null,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(all)).not.toMatch(/accessTokenHash|lks_/);
    expect(
      (await api.http.get(`/v1/courses/${course.id}/enrollments?active=false`).set(auth).expect(200)).body.items.map(
        (e: { id: string }) => e.id,
      ),
    ).toEqual([links[1].enrollmentId]);
    expect(
      (await api.http.get(`/v1/courses/${course.id}/enrollments?active=true`).set(auth).expect(200)).body.items,
    ).toHaveLength(2);
    expect(
      fields((await api.http.get(`/v1/courses/${course.id}/enrollments?active=yes`).set(auth).expect(400)).body),
    ).toEqual(['active']);

    await api.http.post(`/v1/courses/${course.id}/archive`).set(auth).expect(200);
    expect((await importJson(auth, course.id, [{ email: 'late@example.edu' }]).expect(409)).body.status).toBe(409);
    await importCsv(auth, course.id, 'email\nlate@example.edu\n').expect(409);
  });

  it('lists, shows and renames students', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const other = (await api.http.post('/v1/courses').set(auth).send({ code: 'NET-1', title: 'Networks' }).expect(201))
      .body;
    const [kim] = (
      await importJson(auth, course.id, [
        { email: 'kim@example.edu', displayName: 'Kim Lee' },
        { email: 'max@example.edu' },
      ]).expect(200)
    ).body.accessLinks as AccessLink[];
    await importJson(auth, other.id, [{ email: 'kim@example.edu' }, { email: 'zoe@example.edu' }]).expect(200);

    const emails = async (query: string) =>
      (await api.http.get(`/v1/students?${query}`).set(auth).expect(200)).body.items.map(
        (s: { email: string }) => s.email,
      );
    expect(await emails('sort=email')).toEqual(['kim@example.edu', 'max@example.edu', 'zoe@example.edu']);
    expect(await emails(`courseId=${other.id}&sort=-email`)).toEqual(['zoe@example.edu', 'kim@example.edu']);
    expect(await emails('email=%20KIM@example.edu')).toEqual(['kim@example.edu']);
    expect(await emails('q=lee')).toEqual(['kim@example.edu']);
    expect(fields((await api.http.get('/v1/students?courseId=abc').set(auth).expect(400)).body)).toEqual(['courseId']);

    const detail = await api.http.get(`/v1/students/${kim.studentId}`).set(auth).expect(200);
    expect(detail.body).toMatchObject({
      id: kim.studentId,
      email: 'kim@example.edu',
      displayName: 'Kim Lee',
      handle: expect.stringMatching(/^s-/),
    });
    expect(
      detail.body.enrollments.map((e: { courseCode: string; active: boolean }) => [e.courseCode, e.active]),
    ).toEqual([
      ['CS-101', true],
      ['NET-1', true],
    ]);
    expect(JSON.stringify(detail.body)).not.toMatch(/accessTokenHash|tenantId/);

    const renamed = await api.http
      .patch(`/v1/students/${kim.studentId}`)
      .set(auth)
      .send({ displayName: ' Kim S. Lee ' })
      .expect(200);
    expect(renamed.body.displayName).toBe('Kim S. Lee');
    expect(
      (await api.http.patch(`/v1/students/${kim.studentId}`).set(auth).send({ displayName: null }).expect(200)).body
        .displayName,
    ).toBeNull();
    expect(
      fields(
        (
          await api.http
            .patch(`/v1/students/${kim.studentId}`)
            .set(auth)
            .send({ displayName: 'x'.repeat(201) })
            .expect(400)
        ).body,
      ),
    ).toEqual(['displayName']);
    expect(
      fields(
        (
          await api.http
            .patch(`/v1/students/${kim.studentId}`)
            .set(auth)
            .send({ email: 'a@b.c', displayName: 'A' })
            .expect(400)
        ).body,
      ),
    ).toEqual(['email']);
    const audit = await prisma.auditEvent.findMany({ where: { tenantId, action: 'student.updated' } });
    expect(audit.map((e) => e.summary)).toEqual([{ fields: ['displayName'] }, { fields: ['displayName'] }]);
  });

  it("keeps tenants apart: another tenant's ids give 404 with no data, lists show only own rows", async () => {
    const a = await tenantWithCourse('SHARED-1');
    const b = await tenantWithCourse('SHARED-1');
    const [link] = (
      await importJson(a.auth, a.course.id, [{ email: 'private@example.edu', displayName: 'Private Person' }]).expect(
        200,
      )
    ).body.accessLinks as AccessLink[];
    await importJson(b.auth, b.course.id, [{ email: 'private@example.edu' }]).expect(200);
    const enrollmentPath = `/v1/courses/${a.course.id}/enrollments/${link.enrollmentId}`;
    const crossed = [
      importJson(b.auth, a.course.id, [{ email: 'intruder@example.edu' }]),
      importCsv(b.auth, a.course.id, 'email\nintruder@example.edu\n'),
      api.http.get(`/v1/courses/${a.course.id}/enrollments`).set(b.auth),
      api.http.delete(enrollmentPath).set(b.auth),
      api.http.post(`${enrollmentPath}/access-link`).set(b.auth),
      // B's own course with A's enrollment id: the enrollment is not in that course either.
      api.http.delete(`/v1/courses/${b.course.id}/enrollments/${link.enrollmentId}`).set(b.auth),
      api.http.get(`/v1/students/${link.studentId}`).set(b.auth),
      api.http.patch(`/v1/students/${link.studentId}`).set(b.auth).send({ displayName: 'Hijacked' }),
    ];
    for (const res of await Promise.all(crossed)) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/private@|Private Person|lks_/);
    }
    expect(await tokens.student(link.accessToken)).toMatchObject({ enrollmentId: link.enrollmentId });
    expect((await prisma.student.findUniqueOrThrow({ where: { id: link.studentId } })).displayName).toBe(
      'Private Person',
    );
    expect(await prisma.student.count({ where: { email: 'intruder@example.edu' } })).toBe(0);

    const bStudents = (await api.http.get('/v1/students?limit=200').set(b.auth).expect(200)).body.items;
    expect(bStudents).toHaveLength(1);
    expect(bStudents[0].id).not.toBe(link.studentId);
    expect((await api.http.get(`/v1/students?courseId=${a.course.id}`).set(b.auth).expect(200)).body.items).toEqual([]);
    const bEnrollments = (await api.http.get(`/v1/courses/${b.course.id}/enrollments`).set(b.auth).expect(200)).body
      .items;
    expect(bEnrollments.map((e: { studentId: string }) => e.studentId)).not.toContain(link.studentId);
  });

  it('never stores raw access tokens: only their SHA-256 reaches the database', async () => {
    const { auth, course, tenantId } = await tenantWithCourse();
    const imported = (await importCsv(auth, course.id, roster(5, 'raw')).expect(200)).body.accessLinks as AccessLink[];
    const reissued = (
      await api.http
        .post(`/v1/courses/${course.id}/enrollments/${imported[0].enrollmentId}/access-link`)
        .set(auth)
        .expect(200)
    ).body;
    const raws = [...imported.map((l) => l.accessToken), reissued.accessToken];
    const dump = JSON.stringify(
      await prisma.$queryRawUnsafe(
        `SELECT row_to_json(t)::text AS j FROM enrollments t WHERE tenant_id = $1::uuid
         UNION ALL SELECT row_to_json(t)::text FROM audit_events t WHERE tenant_id = $1::uuid
         UNION ALL SELECT row_to_json(t)::text FROM students t WHERE tenant_id = $1::uuid`,
        tenantId,
      ),
    );
    for (const raw of raws) {
      expect(dump).not.toContain(raw);
      expect(dump).not.toContain(raw.slice(4));
    }
    expect(dump).toContain(sha256(reissued.accessToken));
    // Audit summaries carry counts, never the roster's emails.
    const audit = JSON.stringify(await prisma.auditEvent.findMany({ where: { tenantId }, select: { summary: true } }));
    expect(audit).not.toContain('@');
  });

  it('documents both CSV request bodies and every answer in the OpenAPI document', async () => {
    const doc = (await api.http.get('/docs/openapi.json').expect(200)).body;
    const csv = doc.paths['/v1/courses/{courseId}/students/csv'].post;
    expect(Object.keys(csv.requestBody.content).sort()).toEqual(['multipart/form-data', 'text/csv']);
    expect(csv.requestBody.content['multipart/form-data'].schema.properties.file).toEqual({
      type: 'string',
      format: 'binary',
    });
    expect(Object.keys(csv.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '413', '415']));
    const json = doc.paths['/v1/courses/{courseId}/students'].post;
    expect(json.requestBody.content['application/json'].schema.$ref).toMatch(/ImportStudentsDto$/);
    expect(json.responses['200'].content['application/json'].schema.$ref).toMatch(/RosterImportResultDto$/);
  });
});
