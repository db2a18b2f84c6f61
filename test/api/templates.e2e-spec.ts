import type { PrismaClient } from '@labkeys/database';
import { buildAssumeRoleInput, type SessionTagInput } from '@labkeys/templates';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/labs/LabKeysLab`;
const fields = (body: { errors?: { field: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.field))].sort();
const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
const S3_POLICY = policy({
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:PutObject'],
  Resource: 'arn:{{partition}}:s3:::labs-{{course.code}}/{{student.handle}}/*',
  Condition: { StringEquals: { 'aws:RequestedRegion': '{{region}}' } },
});

describe('role templates', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let a: { tenantId: string; ownerToken: string };
  let b: { tenantId: string; ownerToken: string };
  let connectionA: { id: string; externalId: string };
  let connectionB: { id: string };

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi();
    a = await createTenantWithOwner(prisma);
    b = await createTenantWithOwner(prisma);
    const conn = (tenantId: string, name: string) =>
      prisma.awsConnection.create({
        data: { tenantId, name, accountId: ACCOUNT, region: 'eu-west-1', externalId: `lk-${name}-external-id` },
      });
    connectionA = await conn(a.tenantId, 'a-main');
    connectionB = await conn(b.tenantId, 'b-main');
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  let seq = 0;
  const valid = (extra: Record<string, unknown> = {}) => ({
    name: `tpl-${++seq}-${Date.now()}`,
    connectionId: connectionA.id,
    roleArn: ROLE,
    sessionPolicyTemplate: S3_POLICY,
    managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    durationSeconds: 3600,
    sessionTags: [{ key: 'course', value: '{{course.code}}' }],
    transitiveTagKeys: ['course'],
    consoleDestination: 'https://console.aws.amazon.com/s3/home',
    allowedRegions: ['eu-west-1'],
    ...extra,
  });
  const create = (body: Record<string, unknown>, token = a.ownerToken) =>
    api.http.post('/v1/templates').set(bearer(token)).send(body);

  it('creates, reads, lists, updates and deletes a template, auditing each change', async () => {
    const res = await create(valid()).expect(201);
    expect(res.body).toMatchObject({
      connectionId: connectionA.id,
      roleArn: ROLE,
      durationSeconds: 3600,
      sessionTags: [{ key: 'course', value: '{{course.code}}' }],
      allowedRegions: ['eu-west-1'],
    });
    expect(res.body).not.toHaveProperty('tenantId');
    const id = res.body.id as string;
    await api.http.get(`/v1/templates/${id}`).set(bearer(a.ownerToken)).expect(200);
    const list = await api.http
      .get(`/v1/templates?connectionId=${connectionA.id}&sort=name`)
      .set(bearer(a.ownerToken))
      .expect(200);
    expect(list.body.items.map((t: { id: string }) => t.id)).toContain(id);
    const patched = await api.http
      .patch(`/v1/templates/${id}`)
      .set(bearer(a.ownerToken))
      .send({ durationSeconds: 7200, sessionPolicyTemplate: null, consoleDestination: null })
      .expect(200);
    expect(patched.body).toMatchObject({
      durationSeconds: 7200,
      sessionPolicyTemplate: null,
      consoleDestination: null,
      managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
    await create({ ...valid(), name: patched.body.name }).expect(409);
    await api.http.delete(`/v1/templates/${id}`).set(bearer(a.ownerToken)).expect(204);
    await api.http.get(`/v1/templates/${id}`).set(bearer(a.ownerToken)).expect(404);
    const actions = (await prisma.auditEvent.findMany({ where: { tenantId: a.tenantId, subjectId: id } }))
      .map((e) => e.action)
      .sort();
    expect(actions).toEqual(['template.created', 'template.deleted', 'template.updated']);
  });

  it('rejects each violation with its field (malformed JSON, Effect, condition operator, placeholder, worst-case size, 51 tags, 43201 s)', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'malformed JSON',
        { sessionPolicyTemplate: '{"Version": "2012-10-17", "Statement": [' },
        'sessionPolicyTemplate',
      ],
      [
        'bad Effect',
        { sessionPolicyTemplate: policy({ Effect: 'Maybe', Action: 's3:GetObject', Resource: '*' }) },
        'sessionPolicyTemplate.Statement[0].Effect',
      ],
      [
        'unknown condition operator',
        {
          sessionPolicyTemplate: policy({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { StringEqualz: { 'aws:RequestedRegion': 'eu-west-1' } },
          }),
        },
        'sessionPolicyTemplate.Statement[0].Condition.StringEqualz',
      ],
      [
        'unknown placeholder',
        {
          sessionPolicyTemplate: policy({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::b/{{student.email}}/*',
          }),
        },
        'sessionPolicyTemplate.Statement[0].Resource',
      ],
      [
        'oversize worst case',
        {
          sessionPolicyTemplate: policy({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: Array.from({ length: 40 }, (_, i) => `arn:aws:s3:::bucket-${i}/{{student.handle}}/*`),
          }),
        },
        'sessionPolicyTemplate',
      ],
      [
        '51 tags',
        { sessionTags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })), transitiveTagKeys: [] },
        'sessionTags',
      ],
      ['duration 43201', { durationSeconds: 43201 }, 'durationSeconds'],
    ];
    for (const [label, extra, field] of cases) {
      const res = await create(valid(extra)).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect({ label, fields: fields(res.body) }).toEqual({ label, fields: [field] });
      expect(res.body.errors[0].message).toEqual(expect.any(String));
    }
    // Every violation at once, and on update as on create.
    const many = await create(
      valid({ durationSeconds: 43201, roleArn: 'arn:aws:iam::999999999999:role/X', allowedRegions: ['mars'] }),
    ).expect(400);
    expect(fields(many.body)).toEqual(['allowedRegions[0]', 'durationSeconds', 'roleArn']);
    const { body: ok } = await create(valid()).expect(201);
    const bad = await api.http
      .patch(`/v1/templates/${ok.id}`)
      .set(bearer(a.ownerToken))
      .send({ sessionTags: [{ key: 'labkeys:lab', value: 'x' }] })
      .expect(400);
    // The merged template is checked as a whole: the kept transitive key no longer names a tag.
    expect(fields(bad.body)).toEqual(['sessionTags[0].key', 'transitiveTagKeys[0]']);
    expect((await prisma.roleTemplate.findUniqueOrThrow({ where: { id: ok.id } })).sessionTags).toEqual([
      { key: 'course', value: '{{course.code}}' },
    ]);
  });

  it("checks the duration against the connection's known MaxSessionDuration and role chaining", async () => {
    const capped = await prisma.awsConnection.create({
      data: {
        tenantId: a.tenantId,
        name: 'capped',
        accountId: ACCOUNT,
        region: 'eu-west-1',
        externalId: 'lk-capped-external',
        maxSessionSeconds: 7200,
      },
    });
    expect(fields((await create(valid({ connectionId: capped.id, durationSeconds: 7201 })).expect(400)).body)).toEqual([
      'durationSeconds',
    ]);
    await create(valid({ connectionId: capped.id, durationSeconds: 7200 })).expect(201);
    const chained = await prisma.awsConnection.create({
      data: {
        tenantId: a.tenantId,
        name: 'chained',
        accountId: ACCOUNT,
        region: 'eu-west-1',
        externalId: 'lk-chained-external',
        maxSessionSeconds: 43200,
        roleChaining: true,
      },
    });
    expect(fields((await create(valid({ connectionId: chained.id, durationSeconds: 3601 })).expect(400)).body)).toEqual(
      ['durationSeconds'],
    );
  });

  it('refuses a connection of another tenant as unknown, naming connectionId', async () => {
    const res = await create(valid({ connectionId: connectionB.id })).expect(400);
    expect(fields(res.body)).toEqual(['connectionId']);
    expect(JSON.stringify(res.body)).not.toContain('b-main');
  });

  it('previews the exact AssumeRole parameters for one student, with no credentials', async () => {
    const { body: template } = await create(valid()).expect(201);
    const course = await prisma.course.create({ data: { tenantId: a.tenantId, code: `CS${seq}`, title: 'Cloud' } });
    const student = await prisma.student.create({
      data: { tenantId: a.tenantId, email: `p${seq}@example.edu`, handle: `s-prev${seq}abcd` },
    });
    const lab = await prisma.lab.create({
      data: {
        tenantId: a.tenantId,
        courseId: course.id,
        templateId: template.id,
        name: 'L',
        sessionDurationSeconds: 1800,
      },
    });

    const res = await api.http
      .post(`/v1/templates/${template.id}/preview`)
      .set(bearer(a.ownerToken))
      .send({ studentId: student.id, labId: lab.id })
      .expect(200);
    const input = res.body.assumeRole;
    const sessionId = input.Tags.find((t: { Key: string }) => t.Key === 'labkeys:session').Value;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const expected = buildAssumeRoleInput(
      { ...template, sessionTags: template.sessionTags as SessionTagInput[] },
      {
        tenantId: a.tenantId,
        labId: lab.id,
        sessionId,
        studentHandle: student.handle,
        courseId: course.id,
        courseCode: course.code,
        region: 'eu-west-1',
        accountId: ACCOUNT,
        partition: 'aws',
        externalId: connectionA.externalId,
        durationSeconds: 1800,
      },
    );
    expect(input).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(input).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: `lk-${student.handle}-${sessionId.replace(/-/g, '').slice(0, 8)}`,
      DurationSeconds: 1800,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      SourceIdentity: student.handle,
      ExternalId: connectionA.externalId,
      TransitiveTagKeys: ['course'],
    });
    expect(input.Tags).toEqual([
      { Key: 'labkeys:tenant', Value: a.tenantId },
      { Key: 'labkeys:lab', Value: lab.id },
      { Key: 'labkeys:session', Value: sessionId },
      { Key: 'course', Value: course.code },
    ]);
    const rendered = JSON.parse(input.Policy);
    expect(rendered.Statement[0].Resource).toBe(`arn:aws:s3:::labs-${course.code}/${student.handle}/*`);
    expect(rendered.Statement.at(-1).Condition.StringNotEquals['aws:RequestedRegion']).toEqual(['eu-west-1']);
    expect(res.body.sample).toEqual({ student: false, course: false, lab: false });
    expect(JSON.stringify(res.body)).not.toMatch(/SecretAccessKey|SessionToken|ASIA/);

    const sample = await api.http
      .post(`/v1/templates/${template.id}/preview`)
      .set(bearer(a.ownerToken))
      .send({})
      .expect(200);
    expect(sample.body.sample).toEqual({ student: true, course: true, lab: true });
    expect(sample.body.assumeRole.DurationSeconds).toBe(3600);

    const foreignStudent = await prisma.student.create({
      data: { tenantId: b.tenantId, email: `x${seq}@example.edu`, handle: `s-other${seq}abcd` },
    });
    const leak = await api.http
      .post(`/v1/templates/${template.id}/preview`)
      .set(bearer(a.ownerToken))
      .send({ studentId: foreignStudent.id })
      .expect(400);
    expect(fields(leak.body)).toEqual(['studentId']);
    expect(JSON.stringify(leak.body)).not.toContain(foreignStudent.handle);

    const inUse = await api.http.delete(`/v1/templates/${template.id}`).set(bearer(a.ownerToken)).expect(409);
    expect(inUse.body.detail).toContain('lab');
  });

  it("answers 404 with no data for another tenant's template, and lists only the own tenant's", async () => {
    const { body: template } = await create(valid()).expect(201);
    const other = bearer(b.ownerToken);
    const answers = [
      await api.http.get(`/v1/templates/${template.id}`).set(other),
      await api.http.patch(`/v1/templates/${template.id}`).set(other).send({ durationSeconds: 900 }),
      await api.http.post(`/v1/templates/${template.id}/preview`).set(other).send({}),
      await api.http.delete(`/v1/templates/${template.id}`).set(other),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(ROLE);
    }
    const list = await api.http.get('/v1/templates').set(other).expect(200);
    expect(list.body.items).toEqual([]);
    expect((await prisma.roleTemplate.findUniqueOrThrow({ where: { id: template.id } })).durationSeconds).toBe(3600);
  });
});
