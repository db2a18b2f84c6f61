import type { PrismaClient } from '@labkeys/database';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { Browser, invite, PASSWORD, signedInOwner } from './support';

describe('dashboard sign-in: invitations, passwords, sessions', () => {
  let api: TestApi;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ LOG_LEVEL: 'trace', QUEUE_PREFIX: specQueuePrefix('signin') });
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  it('invites an instructor with a single-use link that sets a password and signs them in', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const created = await api.http
      .post('/v1/invitations')
      .set(bearer(tenant.ownerToken))
      .send({ email: 'Grace@Example.edu', role: 'INSTRUCTOR' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: 'grace@example.edu',
      role: 'INSTRUCTOR',
      expiresAt: expect.any(String),
      invitationUrl: expect.stringMatching(/\/invite#[A-Za-z0-9_-]{43}$/),
    });
    const days = (new Date(created.body.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    const token = created.body.invitationUrl.split('#')[1];
    const stored = JSON.stringify(await prisma.instructorInvitation.findMany({ where: { tenantId: tenant.tenantId } }));
    expect(stored).not.toContain(token);

    const preview = await api.http.post('/v1/auth/invitations/inspect').send({ token }).expect(200);
    expect(preview.body).toEqual({
      email: 'grace@example.edu',
      role: 'INSTRUCTOR',
      tenantName: expect.any(String),
      expiresAt: created.body.expiresAt,
    });

    const browser = new Browser(api);
    const short = await browser.post('/v1/auth/invitations/accept', { token, password: 'too short' });
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    const accepted = await browser.post('/v1/auth/invitations/accept', {
      token,
      password: PASSWORD,
      name: 'Grace Hopper',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      state: 'signed-in',
      instructor: { email: 'grace@example.edu', name: 'Grace Hopper', role: 'INSTRUCTOR', mfaEnabled: false },
      tenant: { id: tenant.tenantId, mfaRequired: false },
      stepUpUntil: null,
    });
    const setCookie = String(accepted.headers['set-cookie']);
    expect(setCookie).toMatch(/lk_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    expect(setCookie).not.toContain('Secure');
    expect((await browser.get('/v1/courses')).status).toBe(200);

    // Single use: the same link neither opens nor accepts again.
    const again = await new Browser(api).post('/v1/auth/invitations/accept', { token, password: PASSWORD });
    expect(again.status).toBe(410);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    await api.http.post('/v1/auth/invitations/inspect').send({ token }).expect(410);
    const list = await api.http.get('/v1/invitations').set(bearer(tenant.ownerToken)).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ email: 'grace@example.edu', state: 'accepted' })]);
  });

  it('refuses expired and revoked invitation links, and a new invitation replaces the open one', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const first = await invite(api, tenant.ownerToken, 'ada@example.edu');
    const second = await invite(api, tenant.ownerToken, 'ada@example.edu');
    await api.http.post('/v1/auth/invitations/inspect').send({ token: first }).expect(410);
    await api.http.post('/v1/auth/invitations/inspect').send({ token: second }).expect(200);

    await prisma.instructorInvitation.updateMany({
      where: { tenantId: tenant.tenantId, revokedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await new Browser(api).post('/v1/auth/invitations/accept', { token: second, password: PASSWORD });
    expect(expired.status).toBe(410);
    expect(await prisma.instructor.count({ where: { tenantId: tenant.tenantId, email: 'ada@example.edu' } })).toBe(0);

    const third = await api.http
      .post('/v1/invitations')
      .set(bearer(tenant.ownerToken))
      .send({ email: 'ada@example.edu', role: 'ASSISTANT' })
      .expect(201);
    await api.http.delete(`/v1/invitations/${third.body.id}`).set(bearer(tenant.ownerToken)).expect(204);
    await new Browser(api)
      .post('/v1/auth/invitations/accept', { token: third.body.invitationUrl.split('#')[1], password: PASSWORD })
      .then((res) => expect(res.status).toBe(410));
    await api.http
      .post('/v1/auth/invitations/inspect')
      .send({ token: 'x'.repeat(43) })
      .expect(410);
  });

  it('signs in with email and password; the cookie held before sign-in stops working (no fixation)', async () => {
    const owner = await signedInOwner(api, prisma);
    const before = owner.browser.cookie!;
    const res = await owner.browser.post('/v1/auth/sign-in', { email: owner.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('signed-in');
    expect(owner.browser.cookie).not.toBe(before);
    await api.http.get('/v1/auth/session').set('cookie', `lk_session=${before}`).expect(401);
    expect((await owner.browser.get('/v1/auth/session')).body).toMatchObject({
      state: 'signed-in',
      instructor: { id: owner.instructorId },
    });
    const stored = JSON.stringify(await prisma.webSession.findMany({ where: { instructorId: owner.instructorId } }));
    expect(stored).not.toContain(owner.browser.cookie!);
  });

  it('answers an unknown email and a wrong password alike', async () => {
    const owner = await signedInOwner(api, prisma);
    const wrong = await api.http
      .post('/v1/auth/sign-in')
      .send({ email: owner.email, password: 'not the password at all' });
    const unknown = await api.http
      .post('/v1/auth/sign-in')
      .send({ email: 'nobody-here@example.edu', password: 'not the password at all' });
    const disabled = await signedInOwner(api, prisma);
    await api.http
      .post('/v1/instructors')
      .set(bearer(disabled.ownerToken))
      .send({ email: 'second-owner@example.edu', role: 'OWNER' })
      .expect(201);
    await api.http
      .patch(`/v1/instructors/${disabled.instructorId}`)
      .set(bearer(disabled.ownerToken))
      .send({ disabled: true })
      .expect(200);
    const off = await api.http.post('/v1/auth/sign-in').send({ email: disabled.email, password: PASSWORD });
    for (const res of [wrong, unknown, off]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const shape = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(shape(unknown.body)).toEqual(shape(wrong.body));
    expect(shape(off.body)).toEqual(shape(wrong.body));
  });

  it('takes the time of a password check for an unknown email too', async () => {
    const owner = await signedInOwner(api, prisma);
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      await api.http.post('/v1/auth/sign-in').send({ email, password: 'not the password at all' }).expect(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(await timed(owner.email));
      unknown.push(await timed(`ghost${i}@example.edu`));
    }
    // argon2id costs tens of milliseconds; an unknown email that skipped it would answer several times faster.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
  });

  it('asks which tenant when the email and password open several, and signs in to the one named', async () => {
    const first = await createTenantWithOwner(prisma);
    const second = await createTenantWithOwner(prisma);
    const email = `twice-${Date.now()}@example.edu`;
    for (const tenant of [first, second]) {
      await new Browser(api)
        .post('/v1/auth/invitations/accept', { token: await invite(api, tenant.ownerToken, email), password: PASSWORD })
        .then((res) => expect(res.status).toBe(200));
    }
    const both = await api.http.post('/v1/auth/sign-in').send({ email, password: PASSWORD }).expect(409);
    expect(both.body.tenants.map((t: { id: string }) => t.id).sort()).toEqual([first.tenantId, second.tenantId].sort());
    expect(both.body.tenants.every((t: { name: string }) => typeof t.name === 'string')).toBe(true);
    expect(both.headers['set-cookie']).toBeUndefined();
    const chosen = await new Browser(api).post('/v1/auth/sign-in', {
      email,
      password: PASSWORD,
      tenantId: second.tenantId,
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.tenant.id).toBe(second.tenantId);
  });

  it('signs out: the session stops working and the cookie is cleared', async () => {
    const owner = await signedInOwner(api, prisma);
    const cookie = owner.browser.cookie!;
    await owner.browser.post('/v1/auth/sign-out').then((res) => expect(res.status).toBe(204));
    expect(owner.browser.cookie).toBeUndefined();
    const after = await api.http.get('/v1/courses').set('cookie', `lk_session=${cookie}`).expect(401);
    expect(after.headers['content-type']).toMatch(/problem\+json/);
    await api.http.get('/v1/auth/session').set('cookie', `lk_session=${cookie}`).expect(401);
  });

  it("changes the password, ending the account's other sessions but not this one", async () => {
    const owner = await signedInOwner(api, prisma);
    const other = new Browser(api);
    await other
      .post('/v1/auth/sign-in', { email: owner.email, password: PASSWORD })
      .then((res) => expect(res.status).toBe(200));
    const wrong = await owner.browser.post('/v1/account/password', {
      currentPassword: 'not the password at all',
      newPassword: 'a brand new passphrase',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
    await owner.browser
      .post('/v1/account/password', { currentPassword: PASSWORD, newPassword: 'short' })
      .then((res) => expect(res.body.errors).toEqual([expect.objectContaining({ field: 'newPassword' })]));
    await owner.browser
      .post('/v1/account/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' })
      .then((res) => expect(res.status).toBe(204));
    expect((await other.get('/v1/courses')).status).toBe(401);
    expect((await owner.browser.get('/v1/courses')).status).toBe(200);
    await api.http.post('/v1/auth/sign-in').send({ email: owner.email, password: PASSWORD }).expect(401);
    await api.http
      .post('/v1/auth/sign-in')
      .send({ email: owner.email, password: 'a brand new passphrase' })
      .expect(200);
  });

  it("manages the signed-in instructor's own API tokens", async () => {
    const owner = await signedInOwner(api, prisma);
    const issued = await owner.browser.post('/v1/account/tokens', { name: 'ci', expiresInDays: 30 });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^lk_/);
    await api.http.get('/v1/courses').set(bearer(issued.body.token)).expect(200);
    const list = await owner.browser.get('/v1/account/tokens');
    expect(list.body.items.map((t: { id: string }) => t.id)).toContain(issued.body.id);
    expect(JSON.stringify(list.body)).not.toContain(issued.body.token);
    await owner.browser.delete(`/v1/account/tokens/${issued.body.id}`).then((res) => expect(res.status).toBe(204));
    await api.http.get('/v1/courses').set(bearer(issued.body.token)).expect(401);
  });

  it('never writes a password to the log', async () => {
    const owner = await signedInOwner(api, prisma);
    const attempts = ['first wrong passphrase', 'second wrong passphrase'];
    for (const password of attempts)
      await api.http.post('/v1/auth/sign-in').send({ email: owner.email, password }).expect(401);
    await api.http.post('/v1/auth/sign-in').send({ email: owner.email, password: PASSWORD }).expect(200);
    await owner.browser.post('/v1/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'the logged-never passphrase',
    });
    await api.http.post('/v1/auth/sign-in').send({ email: owner.email }).expect(400);
    expect(api.logs.lines.length).toBeGreaterThan(5);
    for (const secret of [...attempts, PASSWORD, 'the logged-never passphrase'])
      expect(api.logs.text).not.toContain(secret);
  });
});

describe('sign-in rate limits', () => {
  let api: TestApi;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({
      QUEUE_PREFIX: specQueuePrefix('signinrl'),
      SIGN_IN_ACCOUNT_FAILURE_LIMIT: '3',
      SIGN_IN_ADDRESS_FAILURE_LIMIT: '6',
    });
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  it('refuses every attempt for an email after repeated failures, the right password too, then every attempt from the address', async () => {
    const owner = await signedInOwner(api, prisma);
    for (let i = 0; i < 3; i++)
      await api.http
        .post('/v1/auth/sign-in')
        .send({ email: owner.email, password: `wrong guess ${i} of many` })
        .expect(401);
    const limited = await api.http
      .post('/v1/auth/sign-in')
      .send({ email: owner.email, password: PASSWORD })
      .expect(429);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.body.retryAfterSeconds).toBeGreaterThan(0);
    // Another email from the same address still works until the address is over its own limit.
    const other = await signedInOwner(api, prisma);
    await api.http.post('/v1/auth/sign-in').send({ email: other.email, password: PASSWORD }).expect(200);
    for (let i = 0; i < 3; i++)
      await api.http
        .post('/v1/auth/sign-in')
        .send({ email: `nobody${i}@example.edu`, password: 'wrong guess again' })
        .expect(401);
    await api.http.post('/v1/auth/sign-in').send({ email: other.email, password: PASSWORD }).expect(429);
  });
});
