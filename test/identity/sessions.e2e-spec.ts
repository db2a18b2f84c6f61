import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { createClassroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { Browser, PASSWORD, signedInMember, signedInOwner, signInOwnerOf } from './support';

describe('dashboard sessions in the auth guard', () => {
  let api: TestApi;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ QUEUE_PREFIX: specQueuePrefix('sess') });
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  const course = () => ({ code: `C-${Math.random().toString(36).slice(2, 8)}`, title: 'Cloud Foundations' });

  it('refuses a cookie change without the CSRF token or from another origin (403), and leaves bearer requests alone', async () => {
    const owner = await signedInOwner(api, prisma);
    const refusals = [
      await owner.browser.post('/v1/courses', course(), { csrf: false }),
      await owner.browser.post('/v1/courses', course(), { csrf: 'not-the-session-token' }),
      await owner.browser.post('/v1/courses', course(), { origin: 'https://evil.example' }),
      await owner.browser.post('/v1/courses', course(), { origin: null }),
      await owner.browser.patch(`/v1/instructors/${owner.instructorId}`, { name: 'Renamed' }, { csrf: false }),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.code).toBe('csrf_refused');
    }
    expect(await prisma.course.count({ where: { tenantId: owner.tenantId } })).toBe(0);
    // A Referer of the dashboard stands in for a missing Origin.
    const viaReferer = await api.http
      .post('/v1/courses')
      .set('cookie', `lk_session=${owner.browser.cookie}`)
      .set('x-csrf-token', owner.browser.csrfToken!)
      .set('referer', `${owner.browser.origin}/courses`)
      .send(course());
    expect(viaReferer.status).toBe(201);
    expect((await owner.browser.post('/v1/courses', course())).status).toBe(201);
    expect((await owner.browser.get('/v1/courses', { csrf: false, origin: null })).status).toBe(200);
    await api.http.post('/v1/courses').set(bearer(owner.ownerToken)).send(course()).expect(201);
  });

  it('refuses a sign-in posted from another origin', async () => {
    const owner = await signedInOwner(api, prisma);
    const res = await api.http
      .post('/v1/auth/sign-in')
      .set('origin', 'https://evil.example')
      .send({ email: owner.email, password: PASSWORD })
      .expect(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it("opens a lab's event stream with the cookie (EventSource sends cookies, not headers)", async () => {
    const room = await createClassroom(prisma, {
      students: 1,
      endpoint: 'http://127.0.0.1:9',
      externalId: 'session-sse',
    });
    const owner = await signInOwnerOf(api, prisma, room);
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    const first = await new Promise<{ status: number; type: string; chunk: string }>((resolve, reject) => {
      const req = request(
        `http://127.0.0.1:${port}/v1/labs/${room.labId}/events`,
        { headers: { cookie: `lk_session=${owner.browser.cookie}`, accept: 'text/event-stream' } },
        (res) => {
          res.setEncoding('utf8');
          res.once('data', (chunk: string) => {
            resolve({ status: res.statusCode!, type: String(res.headers['content-type']), chunk });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(first.status).toBe(200);
    expect(first.type).toContain('text/event-stream');
    const other = await signedInOwner(api, prisma);
    expect((await other.browser.get(`/v1/labs/${room.labId}/events`)).status).toBe(404);
  });

  it('ends every session of the account at sign-out-everywhere', async () => {
    const owner = await signedInOwner(api, prisma);
    const laptop = new Browser(api);
    await laptop.post('/v1/auth/sign-in', { email: owner.email, password: PASSWORD });
    const cookies = [owner.browser.cookie!, laptop.cookie!];
    expect((await laptop.post('/v1/auth/sign-out-everywhere')).status).toBe(204);
    for (const cookie of cookies) await api.http.get('/v1/courses').set('cookie', `lk_session=${cookie}`).expect(401);
    // API tokens are not sessions.
    await api.http.get('/v1/courses').set(bearer(owner.ownerToken)).expect(200);
  });

  it("stops a disabled instructor's sessions, for good", async () => {
    const owner = await signedInOwner(api, prisma);
    const member = await signedInMember(api, owner, 'INSTRUCTOR');
    expect((await member.browser.get('/v1/courses')).status).toBe(200);
    await api.http
      .patch(`/v1/instructors/${member.instructorId}`)
      .set(bearer(owner.ownerToken))
      .send({ disabled: true })
      .expect(200);
    expect((await member.browser.get('/v1/courses')).status).toBe(401);
    await api.http
      .patch(`/v1/instructors/${member.instructorId}`)
      .set(bearer(owner.ownerToken))
      .send({ disabled: false })
      .expect(200);
    expect((await member.browser.get('/v1/courses')).status).toBe(401);
    expect((await new Browser(api).post('/v1/auth/sign-in', { email: member.email, password: PASSWORD })).status).toBe(
      200,
    );
  });

  it('keeps roles: an assistant signed in is read-only but manages their own account; only owners manage invitations', async () => {
    const owner = await signedInOwner(api, prisma);
    const assistant = await signedInMember(api, owner, 'ASSISTANT');
    expect((await assistant.browser.get('/v1/courses')).status).toBe(200);
    expect((await assistant.browser.post('/v1/courses', course())).status).toBe(403);
    expect((await assistant.browser.get('/v1/invitations')).status).toBe(403);
    expect((await assistant.browser.post('/v1/account/tokens', { name: 'read-only' })).status).toBe(201);
    expect((await assistant.browser.post('/v1/auth/sign-out')).status).toBe(204);
    const instructor = await signedInMember(api, owner, 'INSTRUCTOR');
    expect((await instructor.browser.get('/v1/invitations')).status).toBe(403);
    expect((await instructor.browser.post('/v1/courses', course())).status).toBe(201);
  });

  it('answers 401 problem+json to a cookie that opens no session, and to session routes called with a bearer token', async () => {
    const owner = await signedInOwner(api, prisma);
    const forged = await api.http
      .get('/v1/courses')
      .set('cookie', `lk_session=${'A'.repeat(43)}`)
      .expect(401);
    expect(forged.headers['content-type']).toMatch(/problem\+json/);
    await api.http.get('/v1/auth/session').set(bearer(owner.ownerToken)).expect(401);
    await api.http.get('/v1/auth/session').expect(401);
  });
});

describe('dashboard sessions behind https', () => {
  let api: TestApi;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({
      QUEUE_PREFIX: specQueuePrefix('sessh'),
      PUBLIC_URL: 'https://labkeys.example.edu',
      AUTH_FAILURE_LIMIT: '3',
    });
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  it('marks the cookie Secure when PUBLIC_URL is https, and accepts changes from that origin only', async () => {
    const owner = await signedInOwner(api, prisma);
    expect(owner.browser.origin).toBe('https://labkeys.example.edu');
    const res = await owner.browser.post('/v1/auth/sign-in', { email: owner.email, password: PASSWORD });
    expect(String(res.headers['set-cookie'])).toMatch(
      /lk_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
    expect((await owner.browser.post('/v1/auth/sign-out', {}, { origin: 'http://labkeys.example.edu' })).status).toBe(
      403,
    );
    expect((await owner.browser.post('/v1/auth/sign-out')).status).toBe(204);
  });

  it('does not count a dashboard asking for its session without a cookie as a failed authentication', async () => {
    for (let i = 0; i < 5; i++) await api.http.get('/v1/auth/session').expect(401);
    for (let i = 0; i < 3; i++)
      await api.http
        .get('/v1/auth/session')
        .set('cookie', `lk_session=${'B'.repeat(43)}`)
        .expect(401);
    await api.http
      .get('/v1/auth/session')
      .set('cookie', `lk_session=${'B'.repeat(43)}`)
      .expect(429);
  });
});
