import type { PrismaClient } from '@labkeys/database';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';

type Auth = ReturnType<typeof bearer>;
const fields = (body: { errors?: { field: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.field))].sort();

describe('courses', () => {
  let api: TestApi;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  const create = (auth: Auth, code: string, title = 'Cloud Foundations') =>
    api.http.post('/v1/courses').set(auth).send({ code, title });

  it('creates, reads, updates, archives and unarchives a course, auditing each change once', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const owner = bearer(tenant.ownerToken);
    const created = await create(owner, '  CS-101 ', ' Cloud Foundations ').expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      code: 'CS-101',
      title: 'Cloud Foundations',
      endsAt: null,
      archivedAt: null,
      activeEnrollments: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.body.id;
    expect((await api.http.get(`/v1/courses/${id}`).set(owner).expect(200)).body).toEqual(created.body);

    const patched = await api.http
      .patch(`/v1/courses/${id}`)
      .set(owner)
      .send({ code: 'CS-101/2026', title: 'Cloud Foundations II' })
      .expect(200);
    expect(patched.body).toMatchObject({ id, code: 'CS-101/2026', title: 'Cloud Foundations II' });

    const archived = await api.http.post(`/v1/courses/${id}/archive`).set(owner).expect(200);
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    const again = await api.http.post(`/v1/courses/${id}/archive`).set(owner).expect(200);
    expect(again.body.archivedAt).toBe(archived.body.archivedAt);
    const unarchived = await api.http.post(`/v1/courses/${id}/unarchive`).set(owner).expect(200);
    expect(unarchived.body.archivedAt).toBeNull();
    await api.http.post(`/v1/courses/${id}/unarchive`).set(owner).expect(200);

    const stored = await prisma.course.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ tenantId: tenant.tenantId, code: 'CS-101/2026', archivedAt: null });
    const events = await prisma.auditEvent.findMany({
      where: { tenantId: tenant.tenantId, subjectType: 'course', subjectId: id },
      orderBy: { createdAt: 'asc' },
    });
    expect(events.map((e) => e.action)).toEqual([
      'course.created',
      'course.updated',
      'course.archived',
      'course.unarchived',
    ]);
    expect(events[1].summary).toEqual({ code: 'CS-101/2026', title: 'Cloud Foundations II' });
    expect(events.every((e) => e.actorId === tenant.ownerId && e.requestId)).toBe(true);
  });

  it('names the field for invalid input', async () => {
    const owner = bearer((await createTenantWithOwner(prisma)).ownerToken);
    const badCode = await create(owner, 'CS 101 {{x}}').expect(400);
    expect(badCode.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(fields(badCode.body)).toEqual(['code']);
    expect(fields((await create(owner, '-leading-dash').expect(400)).body)).toEqual(['code']);
    expect(fields((await create(owner, 'X'.repeat(33)).expect(400)).body)).toEqual(['code']);
    expect(fields((await api.http.post('/v1/courses').set(owner).send({ code: 'OK-1' }).expect(400)).body)).toEqual([
      'title',
    ]);
    expect(
      fields((await api.http.post('/v1/courses').set(owner).send({ code: 'OK-1', title: '   ' }).expect(400)).body),
    ).toEqual(['title']);
    expect(
      fields(
        (await api.http.post('/v1/courses').set(owner).send({ code: 'OK-1', title: 't', tenantId: 'x' }).expect(400))
          .body,
      ),
    ).toEqual(['tenantId']);

    const id = (await create(owner, 'OK-1').expect(201)).body.id;
    expect(
      fields((await api.http.patch(`/v1/courses/${id}`).set(owner).send({ code: 'bad code!' }).expect(400)).body),
    ).toEqual(['code']);
    expect(fields((await api.http.get('/v1/courses/not-a-uuid').set(owner).expect(400)).body)).toEqual(['courseId']);
    expect(fields((await api.http.get('/v1/courses?archived=maybe').set(owner).expect(400)).body)).toEqual([
      'archived',
    ]);
    expect(fields((await api.http.get('/v1/courses?sort=title').set(owner).expect(400)).body)).toEqual(['sort']);
    expect(
      await prisma.course.count({
        where: { tenantId: (await prisma.course.findUniqueOrThrow({ where: { id } })).tenantId },
      }),
    ).toBe(1);
  });

  it('keeps codes unique per tenant (ignoring case) with a 409 naming code, but not across tenants', async () => {
    const a = bearer((await createTenantWithOwner(prisma)).ownerToken);
    const b = bearer((await createTenantWithOwner(prisma)).ownerToken);
    await create(a, 'NET-200').expect(201);
    const taken = await create(a, 'net-200').expect(409);
    expect(taken.body).toMatchObject({ status: 409, field: 'code' });
    await create(b, 'NET-200').expect(201);

    const other = (await create(a, 'NET-300').expect(201)).body.id;
    expect((await api.http.patch(`/v1/courses/${other}`).set(a).send({ code: 'NET-200' }).expect(409)).body.field).toBe(
      'code',
    );
    // Changing only the case of its own code is not a clash.
    await api.http.patch(`/v1/courses/${other}`).set(a).send({ code: 'net-300' }).expect(200);
  });

  it("lists with cursor pagination, filters and sorts, and never another tenant's courses", async () => {
    const a = bearer((await createTenantWithOwner(prisma)).ownerToken);
    const b = bearer((await createTenantWithOwner(prisma)).ownerToken);
    for (const code of ['DB-3', 'AI-1', 'OS-2', 'AI-4']) await create(a, code, `Course ${code}`).expect(201);
    const bCourse = (await create(b, 'AI-9', 'Applied AI').expect(201)).body;
    const archivedId = (await api.http.get('/v1/courses?q=os-').set(a).expect(200)).body.items[0].id;
    await api.http.post(`/v1/courses/${archivedId}/archive`).set(a).expect(200);

    const codes: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { code: string }[]; nextCursor: string | null } } = await api.http
        .get(`/v1/courses?limit=3&sort=-code${cursor ? `&cursor=${cursor}` : ''}`)
        .set(a)
        .expect(200);
      codes.push(...page.body.items.map((c) => c.code));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(codes).toEqual(['OS-2', 'DB-3', 'AI-4', 'AI-1']);

    const ai = await api.http.get('/v1/courses?q=ai&sort=code').set(a).expect(200);
    expect(ai.body.items.map((c: { code: string }) => c.code)).toEqual(['AI-1', 'AI-4']);
    expect(
      (await api.http.get('/v1/courses?q=course%20db').set(a).expect(200)).body.items.map(
        (c: { code: string }) => c.code,
      ),
    ).toEqual(['DB-3']);
    expect(
      (await api.http.get('/v1/courses?archived=true').set(a).expect(200)).body.items.map(
        (c: { code: string }) => c.code,
      ),
    ).toEqual(['OS-2']);
    expect(
      (await api.http.get('/v1/courses?archived=false&sort=createdAt').set(a).expect(200)).body.items.map(
        (c: { code: string }) => c.code,
      ),
    ).toEqual(['DB-3', 'AI-1', 'AI-4']);
    const all = await api.http.get('/v1/courses?limit=200').set(a).expect(200);
    expect(all.body.items.map((c: { id: string }) => c.id)).not.toContain(bCourse.id);
    // A cursor from another tenant's list points at nothing here.
    const bPage = await api.http.get('/v1/courses?limit=1').set(b).expect(200);
    const foreignCursor = Buffer.from(JSON.stringify({ id: bCourse.id })).toString('base64url');
    expect(bPage.body.items[0].id).toBe(bCourse.id);
    const crossed = await api.http.get(`/v1/courses?cursor=${foreignCursor}`).set(a).expect(200);
    expect(crossed.body.items).toEqual([]);
  });

  it("answers 404 with no data for another tenant's course on every route, changing nothing", async () => {
    const a = bearer((await createTenantWithOwner(prisma)).ownerToken);
    const b = bearer((await createTenantWithOwner(prisma)).ownerToken);
    const course = (await create(a, 'SEC-500', 'Secret Syllabus').expect(201)).body;
    const attempts = [
      api.http.get(`/v1/courses/${course.id}`).set(b),
      api.http.patch(`/v1/courses/${course.id}`).set(b).send({ title: 'Hijacked' }),
      api.http.post(`/v1/courses/${course.id}/archive`).set(b),
      api.http.post(`/v1/courses/${course.id}/unarchive`).set(b),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(JSON.stringify(res.body)).not.toMatch(/SEC-500|Secret Syllabus/);
    }
    const stored = await prisma.course.findUniqueOrThrow({ where: { id: course.id } });
    expect(stored).toMatchObject({ title: 'Secret Syllabus', archivedAt: null });
    expect((await api.http.get('/v1/courses').set(b).expect(200)).body.items).toEqual([]);
  });

  it('lets assistants read courses but not change them', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const owner = bearer(tenant.ownerToken);
    const ta = (
      await api.http
        .post('/v1/instructors')
        .set(owner)
        .send({ email: `ta-${Date.now()}@example.edu`, role: 'ASSISTANT' })
        .expect(201)
    ).body;
    const taToken = bearer(
      (await api.http.post(`/v1/instructors/${ta.id}/tokens`).set(owner).send({ name: 'ta' }).expect(201)).body.token,
    );
    const id = (await create(owner, 'RO-1').expect(201)).body.id;
    await api.http.get(`/v1/courses/${id}`).set(taToken).expect(200);
    await create(taToken, 'RO-2').expect(403);
    await api.http.post(`/v1/courses/${id}/archive`).set(taToken).expect(403);
  });
});
