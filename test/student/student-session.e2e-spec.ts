import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { AppConfig } from '@labkeys/config';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';

const COOKIE = /^lks_session=([A-Za-z0-9_-]{43});/;

/** The first chunk of an SSE answer (status and content type), then the connection is dropped. */
function firstChunk(api: TestApi, path: string, cookie: string): Promise<{ status: number; type: string }> {
  const { port } = api.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request(
      `http://127.0.0.1:${port}${path}`,
      { headers: { cookie, accept: 'text/event-stream' } },
      (res) => {
        res.once('data', () => {
          resolve({ status: res.statusCode!, type: String(res.headers['content-type']) });
          req.destroy();
        });
        res.once('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the student page session: the access token exchanged once for a cookie', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let room: Classroom;
  let origin: string;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ QUEUE_PREFIX: specQueuePrefix('stus'), API_RATE_LIMIT_PER_MINUTE: '100000' });
    origin = new URL(api.app.get(AppConfig).publicUrl).origin;
    room = await createClassroom(prisma, {
      students: 4,
      endpoint: 'http://127.0.0.1:9',
      externalId: 'student-session',
    });
  });
  afterAll(async () => {
    await api?.close();
    await prisma?.$disconnect();
  });

  /** What the page does with the link's token; answers the cookie header to send next. */
  async function exchange(token: string): Promise<string> {
    const res = await api.http.post('/v1/me/session').set(bearer(token)).set('origin', origin).expect(200);
    const set = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lks_session='))!;
    return `lks_session=${COOKIE.exec(set)![1]}`;
  }

  it('sets an HttpOnly, SameSite=Strict cookie for the student API only, kept hashed, and never logs the token or the cookie', async () => {
    const student = room.students[0];
    const res = await api.http.post('/v1/me/session').set(bearer(student.token)).set('origin', origin).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const set = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lks_session='))!;
    expect(set).toMatch(COOKIE);
    const flags = set
      .split(';')
      .slice(1)
      .map((f) => f.trim().toLowerCase());
    expect(flags).toEqual(expect.arrayContaining(['path=/v1/me', 'httponly', 'samesite=strict']));
    expect(flags).not.toContain('secure');
    expect(res.body).toMatchObject({
      via: 'cookie',
      course: { id: room.courseId, code: room.courseCode, title: 'Cloud Foundations' },
      status: 'waiting',
      lab: null,
    });

    const raw = COOKIE.exec(set)![1];
    const me = await api.http.get('/v1/me/session').set('cookie', `lks_session=${raw}`).expect(200);
    expect(me.body).toMatchObject({ via: 'cookie', course: { id: room.courseId }, status: 'waiting' });
    // Where the token is accepted, so is the cookie: the current session (none yet: 404) and the stream.
    await api.http.get('/v1/me/sessions/current').set('cookie', `lks_session=${raw}`).expect(404);
    const stream = await firstChunk(api, '/v1/me/events', `lks_session=${raw}`);
    expect(stream).toEqual({ status: 200, type: expect.stringContaining('text/event-stream') });
    // The cookie is the student API's only: an instructor route does not take it.
    await api.http.get('/v1/courses').set('cookie', `lks_session=${raw}`).expect(401);

    const rows = await prisma.studentWebSession.findMany({ where: { tenantId: room.tenantId } });
    expect(rows).toHaveLength(1);
    expect(rows[0].idHash).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(raw);
    expect(api.logs.lines.length).toBeGreaterThan(0);
    expect(api.logs.text).not.toContain(student.token);
    expect(api.logs.text).not.toContain(student.token.slice(4));
    expect(api.logs.text).not.toContain(raw);
  });

  it('adds Secure when PUBLIC_URL is https', async () => {
    const secure = await startTestApi({
      QUEUE_PREFIX: specQueuePrefix('stuh'),
      PUBLIC_URL: 'https://labkeys.example.edu',
    });
    try {
      const res = await secure.http
        .post('/v1/me/session')
        .set(bearer(room.students[3].token))
        .set('origin', 'https://labkeys.example.edu')
        .expect(200);
      const set = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lks_session='))!;
      expect(set.split(';').map((f) => f.trim().toLowerCase())).toContain('secure');
    } finally {
      await secure.close();
    }
  });

  it("stops working once the enrollment's link is replaced (the new link works), and once the student is unenrolled", async () => {
    const student = room.students[1];
    const cookie = await exchange(student.token);
    await api.http.get('/v1/me/session').set('cookie', cookie).expect(200);
    const enrollment = await prisma.enrollment.findFirstOrThrow({
      where: { tenantId: room.tenantId, studentId: student.id },
    });
    const reissued = await api.http
      .post(`/v1/courses/${room.courseId}/enrollments/${enrollment.id}/access-link`)
      .set(bearer(room.ownerToken))
      .expect(200);
    const refused = await api.http.get('/v1/me/session').set('cookie', cookie).expect(401);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(String(refused.headers['set-cookie'])).toMatch(/^lks_session=;.*Expires=Thu, 01 Jan 1970/);
    await api.http.get('/v1/me/sessions/current').set('cookie', cookie).expect(401);
    expect((await firstChunk(api, '/v1/me/events', cookie)).status).toBe(401);

    const fresh = await exchange(reissued.body.accessToken);
    await api.http.get('/v1/me/session').set('cookie', fresh).expect(200);
    // The ended sessions of the enrollment are pruned when a new one starts.
    expect(
      await prisma.studentWebSession.count({ where: { tenantId: room.tenantId, enrollmentId: enrollment.id } }),
    ).toBe(1);
    await api.http
      .delete(`/v1/courses/${room.courseId}/enrollments/${enrollment.id}`)
      .set(bearer(room.ownerToken))
      .expect((res) => expect(res.status).toBeLessThan(300));
    await api.http.get('/v1/me/session').set('cookie', fresh).expect(401);
  });

  it('signs out: DELETE ends the session and clears the cookie; the access link keeps working', async () => {
    const student = room.students[2];
    const cookie = await exchange(student.token);
    const res = await api.http.delete('/v1/me/session').set('cookie', cookie).set('origin', origin).expect(204);
    expect(String(res.headers['set-cookie'])).toMatch(/^lks_session=;.*Path=\/v1\/me/);
    await api.http.get('/v1/me/session').set('cookie', cookie).expect(401);
    await api.http.get('/v1/me/session').set(bearer(student.token)).expect(200);
  });

  it('refuses a cookie change from another origin or with no origin at all, and an exchange posted by another site', async () => {
    const student = room.students[2];
    const cookie = await exchange(student.token);
    for (const headers of [
      { origin: 'https://evil.example' },
      { referer: 'https://evil.example/page' },
      {},
      { origin: 'null' },
    ]) {
      const res = await api.http.delete('/v1/me/session').set('cookie', cookie).set(headers).expect(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.code).toBe('csrf_refused');
    }
    await api.http.get('/v1/me/session').set('cookie', cookie).expect(200);
    // The page's own Referer stands in for a missing Origin.
    await api.http.delete('/v1/me/session').set('cookie', cookie).set('referer', `${origin}/student`).expect(204);

    const foreign = await api.http
      .post('/v1/me/session')
      .set(bearer(student.token))
      .set('origin', 'https://evil.example')
      .expect(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect(foreign.body.code).toBe('csrf_refused');
    // A bearer request (the CLI) has no cookie and needs no origin.
    await api.http.get('/v1/me/session').set(bearer(student.token)).expect(200);
    await api.http
      .post('/v1/me/session')
      .set('cookie', 'lks_session=' + 'A'.repeat(43))
      .set('origin', origin)
      .expect(401);
  });
});
