import type { PrismaClient } from '@labkeys/database';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';

const ACCOUNT = '123456789012';
const fields = (body: { errors?: { field: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.field))].sort();
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe('labs', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let a: { tenantId: string; ownerToken: string };
  let b: { tenantId: string; ownerToken: string };
  let seq = 0;

  /** A connection, template and course of one tenant, arranged directly in the database. */
  async function arrange(
    tenantId: string,
    connection: { maxSessionSeconds?: number; roleChaining?: boolean } = {},
    templateSeconds = 3600,
  ) {
    const n = ++seq;
    const conn = await prisma.awsConnection.create({
      data: {
        tenantId,
        name: `c${n}`,
        accountId: ACCOUNT,
        region: 'us-east-1',
        externalId: `lk-labs-${n}-external`,
        ...connection,
      },
    });
    const template = await prisma.roleTemplate.create({
      data: {
        tenantId,
        connectionId: conn.id,
        name: `t${n}`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/Lab`,
        durationSeconds: templateSeconds,
      },
    });
    const course = await prisma.course.create({ data: { tenantId, code: `LAB${n}`, title: 'Cloud' } });
    return { conn, template, course };
  }

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi();
    a = await createTenantWithOwner(prisma);
    b = await createTenantWithOwner(prisma);
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  const create = (body: Record<string, unknown>, token = a.ownerToken) =>
    api.http.post('/v1/labs').set(bearer(token)).send(body);

  it("schedules a lab with the template's duration by default, reads, lists, updates and cancels it, auditing each change", async () => {
    const { template, course } = await arrange(a.tenantId, {}, 2700);
    const res = await create({
      name: 'Lab 1',
      courseId: course.id,
      templateId: template.id,
      startsAt: inMinutes(60),
      endsAt: inMinutes(180),
    }).expect(201);
    expect(res.body).toMatchObject({
      name: 'Lab 1',
      state: 'SCHEDULED',
      sessionDurationSeconds: 2700,
      autoRenew: false,
      courseId: course.id,
      templateId: template.id,
    });
    expect(res.body).not.toHaveProperty('tenantId');
    const id = res.body.id as string;
    const manual = await create({
      name: 'Lab 2',
      courseId: course.id,
      templateId: template.id,
      sessionDurationSeconds: 900,
      autoRenew: true,
    }).expect(201);
    expect(manual.body).toMatchObject({ startsAt: null, endsAt: null, sessionDurationSeconds: 900, autoRenew: true });

    await api.http.get(`/v1/labs/${id}`).set(bearer(a.ownerToken)).expect(200);
    const byCourse = await api.http
      .get(`/v1/labs?courseId=${course.id}&state=SCHEDULED&sort=name&limit=1`)
      .set(bearer(a.ownerToken))
      .expect(200);
    expect(byCourse.body.items.map((l: { id: string }) => l.id)).toEqual([id]);
    const second = await api.http
      .get(`/v1/labs?courseId=${course.id}&state=SCHEDULED&sort=name&limit=1&cursor=${byCourse.body.nextCursor}`)
      .set(bearer(a.ownerToken))
      .expect(200);
    expect(second.body.items.map((l: { id: string }) => l.id)).toEqual([manual.body.id]);

    const patched = await api.http
      .patch(`/v1/labs/${id}`)
      .set(bearer(a.ownerToken))
      .send({ name: 'Lab 1b', endsAt: null, sessionDurationSeconds: 1800 })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'Lab 1b', endsAt: null, sessionDurationSeconds: 1800 });
    const cancelled = await api.http.post(`/v1/labs/${id}/cancel`).set(bearer(a.ownerToken)).expect(200);
    expect(cancelled.body.state).toBe('CANCELLED');
    expect(cancelled.body.endedAt).not.toBeNull();
    await api.http.post(`/v1/labs/${id}/cancel`).set(bearer(a.ownerToken)).expect(409);
    const late = await api.http.patch(`/v1/labs/${id}`).set(bearer(a.ownerToken)).send({ name: 'x' }).expect(409);
    expect(late.headers['content-type']).toMatch(/problem\+json/);
    const cancelledList = await api.http.get(`/v1/labs?state=CANCELLED`).set(bearer(a.ownerToken)).expect(200);
    expect(cancelledList.body.items.map((l: { id: string }) => l.id)).toEqual([id]);

    const actions = (await prisma.auditEvent.findMany({ where: { tenantId: a.tenantId, subjectId: id } }))
      .map((e) => e.action)
      .sort();
    expect(actions).toEqual(['lab.cancelled', 'lab.created', 'lab.updated']);
  });

  it('refuses changes once the lab is running', async () => {
    const { template, course } = await arrange(a.tenantId);
    const { body } = await create({ name: 'Running', courseId: course.id, templateId: template.id }).expect(201);
    await prisma.lab.update({ where: { id: body.id }, data: { state: 'RUNNING', startedAt: new Date() } });
    await api.http.patch(`/v1/labs/${body.id}`).set(bearer(a.ownerToken)).send({ autoRenew: true }).expect(409);
    await api.http.post(`/v1/labs/${body.id}/cancel`).set(bearer(a.ownerToken)).expect(409);
    expect((await prisma.lab.findUniqueOrThrow({ where: { id: body.id } })).autoRenew).toBe(false);
  });

  it('names the field for each invalid input', async () => {
    const { template, course } = await arrange(a.tenantId);
    const other = await arrange(b.tenantId);
    const archived = await prisma.course.create({
      data: { tenantId: a.tenantId, code: `ARCH${seq}`, title: 'Old', archivedAt: new Date() },
    });
    const base = { name: 'L', courseId: course.id, templateId: template.id };
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['endsAt before startsAt', { startsAt: inMinutes(120), endsAt: inMinutes(60) }, ['endsAt']],
      ['startsAt in the past', { startsAt: inMinutes(-30) }, ['startsAt']],
      ['endsAt in the past', { endsAt: inMinutes(-30) }, ['endsAt']],
      ['not a date', { startsAt: 'tomorrow' }, ['startsAt']],
      ['duration too short', { sessionDurationSeconds: 899 }, ['sessionDurationSeconds']],
      ['duration too long', { sessionDurationSeconds: 43201 }, ['sessionDurationSeconds']],
      ["another tenant's course", { courseId: other.course.id }, ['courseId']],
      ["another tenant's template", { templateId: other.template.id }, ['templateId']],
      ['archived course', { courseId: archived.id }, ['courseId']],
      ['missing name', { name: '' }, ['name']],
    ];
    for (const [label, extra, expected] of cases) {
      const res = await create({ ...base, ...extra }).expect(400);
      expect({ label, fields: fields(res.body) }).toEqual({ label, fields: expected });
      expect(JSON.stringify(res.body)).not.toContain(other.course.code);
    }
    expect(await prisma.lab.count({ where: { tenantId: a.tenantId, courseId: archived.id } })).toBe(0);
  });

  it("keeps session durations within the connection's MaxSessionDuration and the role-chaining hour", async () => {
    const capped = await arrange(a.tenantId, { maxSessionSeconds: 7200 });
    const ok = { name: 'L', courseId: capped.course.id, templateId: capped.template.id };
    expect(fields((await create({ ...ok, sessionDurationSeconds: 7201 }).expect(400)).body)).toEqual([
      'sessionDurationSeconds',
    ]);
    await create({ ...ok, sessionDurationSeconds: 7200 }).expect(201);

    const chained = await arrange(a.tenantId, { maxSessionSeconds: 43200, roleChaining: true }, 3600);
    const res = await create({
      name: 'L',
      courseId: chained.course.id,
      templateId: chained.template.id,
      sessionDurationSeconds: 7200,
    }).expect(400);
    expect(fields(res.body)).toEqual(['sessionDurationSeconds']);
    expect(res.body.errors[0].message).toContain('role chaining');
    await create({ name: 'L', courseId: chained.course.id, templateId: chained.template.id }).expect(201);

    // A template saved before verification learned the cap: its default no longer fits, and the answer says so.
    const stale = await arrange(a.tenantId, { maxSessionSeconds: 3600 }, 7200);
    const staleRes = await create({ name: 'L', courseId: stale.course.id, templateId: stale.template.id }).expect(400);
    expect(staleRes.body.errors[0]).toMatchObject({
      field: 'sessionDurationSeconds',
      message: expect.stringContaining('template'),
    });
  });

  it("answers 404 with no data for another tenant's lab, and lists only the own tenant's", async () => {
    const { template, course } = await arrange(a.tenantId);
    const { body: lab } = await create({ name: 'Secret lab', courseId: course.id, templateId: template.id }).expect(
      201,
    );
    const other = bearer(b.ownerToken);
    const answers = [
      await api.http.get(`/v1/labs/${lab.id}`).set(other),
      await api.http.patch(`/v1/labs/${lab.id}`).set(other).send({ name: 'mine' }),
      await api.http.post(`/v1/labs/${lab.id}/cancel`).set(other),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Secret lab');
    }
    const list = await api.http.get(`/v1/labs?courseId=${course.id}`).set(other).expect(200);
    expect(list.body.items).toEqual([]);
    expect(await prisma.lab.findUniqueOrThrow({ where: { id: lab.id } })).toMatchObject({
      name: 'Secret lab',
      state: 'SCHEDULED',
    });
  });
});
