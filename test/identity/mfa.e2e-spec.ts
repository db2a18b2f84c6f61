import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { Authenticator, Browser, enrolMfa, PASSWORD, signedInOwner } from './support';

const connection = () => ({
  name: `conn-${Math.random().toString(36).slice(2)}`,
  accountId: '123456789012',
  region: 'us-east-1',
});

describe('MFA (TOTP): enrolment, sign-in, recovery codes, step-up', () => {
  let api: TestApi;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ QUEUE_PREFIX: specQueuePrefix('mfa'), MFA_CODE_FAILURE_LIMIT: '4' });
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  it('enrols an app (secret sealed at rest), then asks for a code at sign-in and replaces the pre-MFA session id', async () => {
    const owner = await signedInOwner(api, prisma);
    const started = await owner.browser.post('/v1/account/mfa/enrolment');
    expect(started.status).toBe(200);
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.otpauthUrl).toMatch(
      /^otpauth:\/\/totp\/LabKeys:[^?]+\?issuer=LabKeys&secret=[A-Z2-7]{32}&algorithm=SHA1&digits=6&period=30$/,
    );
    expect(started.body.otpauthUrl).toContain(`secret=${started.body.secret}`);
    const credential = await prisma.instructorCredential.findFirstOrThrow({
      where: { instructorId: owner.instructorId },
    });
    expect(Buffer.from(credential.totpSealed!).toString('latin1')).not.toContain(started.body.secret);
    const app = new Authenticator(started.body.secret);
    const wrong = await owner.browser.post('/v1/account/mfa/enrolment/confirm', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'code' })]);
    const confirmed = await owner.browser.post('/v1/account/mfa/enrolment/confirm', { code: await app.code() });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    const stored = JSON.stringify(await prisma.recoveryCode.findMany({ where: { instructorId: owner.instructorId } }));
    for (const code of confirmed.body.recoveryCodes) expect(stored).not.toContain(code);
    expect((await owner.browser.get('/v1/auth/session')).body).toMatchObject({
      state: 'signed-in',
      instructor: { mfaEnabled: true },
    });
    await owner.browser.post('/v1/account/mfa/enrolment').then((res) => expect(res.status).toBe(409));

    const browser = new Browser(api);
    const signedIn = await browser.post('/v1/auth/sign-in', { email: owner.email, password: PASSWORD });
    expect(signedIn.body.state).toBe('mfa-required');
    const preMfa = browser.cookie!;
    const blocked = await browser.get('/v1/courses');
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('mfa_required');
    const verified = await browser.post('/v1/auth/mfa/verify', { code: await app.code() });
    expect(verified.status).toBe(200);
    expect(verified.body.state).toBe('signed-in');
    expect(verified.body.stepUpUntil).toEqual(expect.any(String));
    expect(browser.cookie).not.toBe(preMfa);
    expect(verified.body.csrfToken).not.toBe(signedIn.body.csrfToken);
    await api.http.get('/v1/auth/session').set('cookie', `lk_session=${preMfa}`).expect(401);
    expect((await browser.get('/v1/courses')).status).toBe(200);
  });

  it('refuses a TOTP code used once already (same time step)', async () => {
    const owner = await signedInOwner(api, prisma);
    const { app } = await enrolMfa(owner.browser);
    // The confirmation's code cannot be replayed at sign-in.
    const browser = new Browser(api);
    await browser.post('/v1/auth/sign-in', { email: owner.email, password: PASSWORD });
    const replay = await browser.post('/v1/auth/mfa/verify', { code: app.lastCode() });
    expect(replay.status).toBe(400);
    expect(replay.body.errors).toEqual([{ field: 'code', message: expect.stringContaining('used already') }]);
    expect((await browser.get('/v1/auth/session')).body.state).toBe('mfa-required');
    await browser.post('/v1/auth/mfa/verify', { code: await app.code() }).then((res) => expect(res.status).toBe(200));
  });

  it('takes each recovery code once', async () => {
    const owner = await signedInOwner(api, prisma);
    const { recoveryCodes } = await enrolMfa(owner.browser);
    const first = new Browser(api);
    await first.post('/v1/auth/sign-in', { email: owner.email, password: PASSWORD });
    const used = await first.post('/v1/auth/mfa/verify', { recoveryCode: recoveryCodes[0].toLowerCase() });
    expect(used.status).toBe(200);
    expect(used.body.state).toBe('signed-in');
    const second = new Browser(api);
    await second.post('/v1/auth/sign-in', { email: owner.email, password: PASSWORD });
    const again = await second.post('/v1/auth/mfa/verify', { recoveryCode: recoveryCodes[0] });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual([expect.objectContaining({ field: 'recoveryCode' })]);
    await second
      .post('/v1/auth/mfa/verify', { recoveryCode: recoveryCodes[1] })
      .then((res) => expect(res.status).toBe(200));
  });

  it('limits wrong codes per instructor, refusing even a right one once over the limit', async () => {
    const owner = await signedInOwner(api, prisma);
    const { app } = await enrolMfa(owner.browser);
    const browser = new Browser(api);
    await browser.post('/v1/auth/sign-in', { email: owner.email, password: PASSWORD });
    for (const code of ['111111', '222222', '333333', '444444'])
      expect((await browser.post('/v1/auth/mfa/verify', { code })).status).toBe(400);
    const limited = await browser.post('/v1/auth/mfa/verify', { code: await app.code() });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
  });

  it('needs a fresh code for connection changes with the cookie, but not with a bearer token', async () => {
    const owner = await signedInOwner(api, prisma);
    const refused = await owner.browser.post('/v1/connections', connection());
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body.code).toBe('step_up_required');
    await api.http.post('/v1/connections').set(bearer(owner.ownerToken)).send(connection()).expect(201);

    const { app } = await enrolMfa(owner.browser);
    // Confirming the enrolment was a fresh code.
    expect((await owner.browser.post('/v1/connections', connection())).status).toBe(201);
    await prisma.webSession.updateMany({
      where: { instructorId: owner.instructorId },
      data: { stepUpAt: new Date(Date.now() - 16 * 60_000) },
    });
    const stale = await owner.browser.get('/v1/auth/session');
    expect(stale.body.stepUpUntil).toBeNull();
    const again = await owner.browser.post('/v1/connections', connection());
    expect(again.body.code).toBe('step_up_required');
    const stepped = await owner.browser.post('/v1/auth/step-up', { code: await app.code() });
    expect(stepped.status).toBe(200);
    expect(new Date(stepped.body.stepUpUntil).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const created = await owner.browser.post('/v1/connections', connection());
    expect(created.status).toBe(201);
    expect(
      (await owner.browser.patch(`/v1/connections/${created.body.id}`, { name: 'renamed-after-step-up' })).status,
    ).toBe(200);
    // Reads never ask.
    await prisma.webSession.updateMany({ where: { instructorId: owner.instructorId }, data: { stepUpAt: null } });
    expect((await owner.browser.get('/v1/connections')).status).toBe(200);
    for (const res of [
      await owner.browser.delete(`/v1/connections/${created.body.id}`),
      await owner.browser.post('/v1/invitations', { email: 'someone@example.edu', role: 'INSTRUCTOR' }),
      await owner.browser.patch('/v1/tenant', { mfaRequired: true }),
      await owner.browser.delete('/v1/account/mfa'),
    ])
      expect(res.body.code).toBe('step_up_required');
  });

  it('lets an owner require MFA: an instructor without it may then only enrol', async () => {
    const owner = await signedInOwner(api, prisma);
    const { app } = await enrolMfa(owner.browser);
    const member = await api.http
      .post('/v1/invitations')
      .set(bearer(owner.ownerToken))
      .send({ email: 'member@example.edu', role: 'INSTRUCTOR' })
      .expect(201);
    const updated = await owner.browser.patch('/v1/tenant', { mfaRequired: true });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: owner.tenantId, mfaRequired: true });

    const browser = new Browser(api);
    const accepted = await browser.post('/v1/auth/invitations/accept', {
      token: member.body.invitationUrl.split('#')[1],
      password: PASSWORD,
    });
    expect(accepted.body).toMatchObject({ state: 'mfa-enrolment-required', tenant: { mfaRequired: true } });
    const blocked = await browser.get('/v1/courses');
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('mfa_enrolment_required');
    await enrolMfa(browser);
    expect((await browser.get('/v1/auth/session')).body.state).toBe('signed-in');
    expect((await browser.get('/v1/courses')).status).toBe(200);

    // Turning MFA off needs a step-up; the owner's last code was the enrolment's.
    await prisma.webSession.updateMany({ where: { instructorId: owner.instructorId }, data: { stepUpAt: null } });
    await owner.browser
      .post('/v1/auth/step-up', { code: await app.code() })
      .then((res) => expect(res.status).toBe(200));
    await owner.browser.delete('/v1/account/mfa').then((res) => expect(res.status).toBe(204));
    expect((await owner.browser.get('/v1/auth/session')).body).toMatchObject({
      state: 'mfa-enrolment-required',
      instructor: { mfaEnabled: false },
    });
  });
});
