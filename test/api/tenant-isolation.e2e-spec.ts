import type { Test } from 'supertest';
import { IdentityProviderSecrets } from '@labkeys/core';
import { uuidv7, type PrismaClient } from '@labkeys/database';
import { OPENAPI_JSON_PATH } from '../../apps/api/src/bootstrap';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { enrolMfa, signInOwnerOf, type Browser } from '../identity/support';

/** Valid bodies for routes that take one, so tenant B's call reaches the tenant check instead of stopping at validation. */
const BODIES: Record<string, { body: unknown; type?: string }> = {
  'PATCH /v1/instructors/{instructorId}': { body: { name: 'Renamed by B' } },
  'POST /v1/instructors/{instructorId}/tokens': { body: { name: 'stolen' } },
  'PATCH /v1/courses/{courseId}': { body: { title: 'Renamed by B' } },
  'PATCH /v1/students/{studentId}': { body: { displayName: 'Renamed by B' } },
  'POST /v1/courses/{courseId}/students': { body: { students: [{ email: 'intruder@example.edu' }] } },
  'POST /v1/courses/{courseId}/students/csv': { body: 'email\nintruder@example.edu\n', type: 'text/csv' },
  'PATCH /v1/connections/{connectionId}': { body: { region: 'eu-west-1' } },
  'PATCH /v1/templates/{templateId}': { body: { durationSeconds: 1800 } },
  'POST /v1/templates/{templateId}/preview': { body: {} },
  'POST /v1/labs/{labId}/revoke': { body: { reason: 'Revoked by B' } },
  'POST /v1/labs/{labId}/sessions/{sessionId}/revoke': { body: { reason: 'Revoked by B' } },
  'POST /v1/students/{studentId}/revoke': { body: { reason: 'Revoked by B' } },
  'PATCH /v1/labs/{labId}': { body: { name: 'Renamed by B' } },
  'POST /v1/courses/{courseId}/access-links/email': { body: { only: 'all' } },
  'PATCH /v1/identity-providers/{providerId}': { body: { enabled: false } },
};

/** Tenant B calls every route as each of its instructor credentials. */
interface Caller {
  name: string;
  auth: (req: Test) => Test;
}

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
}

describe('tenant isolation across every instructor route (walked from the OpenAPI document)', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let a: Classroom & {
    ownerId: string;
    tokenId: string;
    enrollmentId: string;
    sessionId: string;
    invitationId: string;
    providerId: string;
  };
  let tokenB: string;
  let sessionB: Browser;
  let callers: Caller[];
  let operations: Operation[];
  let secretsOfA: string[];

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '100000' });
    const room = await createClassroom(prisma, {
      students: 2,
      endpoint: 'http://127.0.0.1:9',
      externalId: 'isolation-external-id',
    });
    const owner = await prisma.instructor.findFirstOrThrow({ where: { tenantId: room.tenantId, role: 'OWNER' } });
    const token = await prisma.apiToken.findFirstOrThrow({ where: { tenantId: room.tenantId } });
    const enrollment = await prisma.enrollment.findFirstOrThrow({ where: { tenantId: room.tenantId } });
    const session = await prisma.labSession.create({
      data: {
        tenantId: room.tenantId,
        labId: room.labId,
        studentId: room.students[0].id,
        state: 'PENDING',
        roleSessionName: 'lk-isolation',
      },
    });
    const invitation = await api.http
      .post('/v1/invitations')
      .set(bearer(room.ownerToken))
      .send({ email: 'invited-to-a@example.edu', role: 'INSTRUCTOR' })
      .expect(201);
    const providerId = uuidv7();
    const sealedSecret = api.app.get(IdentityProviderSecrets).seal(room.tenantId, providerId, 'a-client-secret');
    await prisma.identityProvider.create({
      data: {
        id: providerId,
        tenantId: room.tenantId,
        displayName: 'School of A',
        issuer: 'http://127.0.0.1:9',
        clientId: 'labkeys-a',
        clientSecretSealed: new Uint8Array(sealedSecret.sealed),
        clientSecretKeyId: sealedSecret.keyId,
        allowedDomains: ['example.edu'],
      },
    });
    a = {
      ...room,
      providerId,
      ownerId: owner.id,
      tokenId: token.id,
      enrollmentId: enrollment.id,
      sessionId: session.id,
      invitationId: invitation.body.id,
    };
    const tenantB = await createTenantWithOwner(prisma);
    tokenB = tenantB.ownerToken;
    // B's owner signed in to the dashboard with MFA, so even step-up routes reach their tenant check.
    sessionB = (await signInOwnerOf(api, prisma, tenantB)).browser;
    await enrolMfa(sessionB);
    callers = [
      { name: "B's API token", auth: (req) => req.set(bearer(tokenB)) },
      {
        name: "B's session cookie",
        auth: (req) =>
          req
            .set('cookie', `lk_session=${sessionB.cookie}`)
            .set('x-csrf-token', sessionB.csrfToken!)
            .set('origin', sessionB.origin),
      },
    ];
    const doc = (await api.http.get(OPENAPI_JSON_PATH).expect(200)).body as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        hasBody: Boolean(op.requestBody),
      })),
    );
    secretsOfA = [
      a.tenantId,
      a.connectionId,
      a.courseId,
      a.templateId,
      a.labId,
      a.ownerId,
      a.tokenId,
      a.enrollmentId,
      a.sessionId,
      a.invitationId,
      a.providerId,
      'labkeys-a',
      a.externalId,
      ...a.students.flatMap((s) => [s.id, s.email, s.handle]),
    ];
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  const idFor = (param: string): string => {
    const ids: Record<string, string> = {
      instructorId: a.ownerId,
      tokenId: a.tokenId,
      courseId: a.courseId,
      enrollmentId: a.enrollmentId,
      studentId: a.students[0].id,
      connectionId: a.connectionId,
      templateId: a.templateId,
      labId: a.labId,
      sessionId: a.sessionId,
      invitationId: a.invitationId,
      providerId: a.providerId,
    };
    if (!ids[param]) throw new Error(`the isolation test has no tenant-A id for path parameter {${param}}; add one`);
    return ids[param];
  };
  // Student routes carry no ids: the student comes from the access token. Sign-in routes (/v1/auth) name no resource.
  const instructorRoutes = () =>
    operations.filter(
      (op) => op.path.startsWith('/v1/') && !op.path.startsWith('/v1/me') && !op.path.startsWith('/v1/auth/'),
    );

  it('walks a meaningful number of routes, and every id route with a body has a valid sample body', () => {
    expect(instructorRoutes().length).toBeGreaterThanOrEqual(40);
    const missing = instructorRoutes()
      .filter((op) => op.hasBody && op.path.includes('{'))
      .map((op) => `${op.method} ${op.path}`)
      .filter((key) => !BODIES[key]);
    expect(missing).toEqual([]);
  });

  it("answers 404 with no data to tenant B on every route that names one of tenant A's resources", async () => {
    const failures: string[] = [];
    for (const caller of callers) {
      for (const op of instructorRoutes().filter((o) => o.path.includes('{'))) {
        const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => idFor(name));
        const sample = BODIES[`${op.method} ${op.path}`];
        let req = caller.auth(api.http[op.method.toLowerCase() as 'get'](url));
        if (sample)
          req = req
            .set('content-type', sample.type ?? 'application/json')
            .send(sample.type ? (sample.body as string) : (sample.body as object));
        const res = await req;
        const text = res.text ?? JSON.stringify(res.body);
        if (res.status !== 404) failures.push(`${caller.name}: ${op.method} ${op.path} → ${res.status}`);
        else if (!String(res.headers['content-type']).startsWith('application/problem+json'))
          failures.push(`${caller.name}: ${op.method} ${op.path} → not problem+json`);
        const leaked = secretsOfA.filter((value) => text.includes(value) && !url.includes(value));
        if (leaked.length > 0) failures.push(`${caller.name}: ${op.method} ${op.path} leaked ${leaked.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("never lists tenant A's rows to tenant B", async () => {
    const lists = instructorRoutes().filter((op) => op.method === 'GET' && !op.path.includes('{'));
    expect(lists.length).toBeGreaterThanOrEqual(7);
    for (const caller of callers) {
      for (const op of lists) {
        const res = await caller.auth(api.http.get(`${op.path}?limit=200`)).expect(200);
        const text = JSON.stringify(res.body);
        expect({
          caller: caller.name,
          route: op.path,
          leaked: secretsOfA.filter((value) => text.includes(value)),
        }).toEqual({ caller: caller.name, route: op.path, leaked: [] });
      }
    }
  });

  it("left tenant A's data untouched", async () => {
    expect((await prisma.course.findUniqueOrThrow({ where: { id: a.courseId } })).title).toBe('Cloud Foundations');
    expect((await prisma.lab.findUniqueOrThrow({ where: { id: a.labId } })).state).toBe('SCHEDULED');
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: a.tokenId } })).revokedAt).toBeNull();
    expect((await prisma.awsConnection.findUniqueOrThrow({ where: { id: a.connectionId } })).region).toBe('us-east-1');
    expect(await prisma.student.count({ where: { email: 'intruder@example.edu' } })).toBe(0);
    expect(await prisma.apiToken.count({ where: { tenantId: a.tenantId } })).toBe(1);
    expect(
      (await prisma.instructorInvitation.findUniqueOrThrow({ where: { id: a.invitationId } })).revokedAt,
    ).toBeNull();
    expect(await prisma.webSession.count({ where: { tenantId: a.tenantId } })).toBe(0);
    expect((await prisma.identityProvider.findUniqueOrThrow({ where: { id: a.providerId } })).enabled).toBe(true);
  });
});
