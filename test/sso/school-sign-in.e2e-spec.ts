import { bearer, createTenantWithOwner } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { eventually } from '../support/processes';
import { Browser, enrolMfa, invite, signInOwnerOf, PASSWORD as DASHBOARD_PASSWORD } from '../identity/support';
import { addProvider, CLIENT_SECRET, SsoBrowser, startPath, startSsoWorld, type SsoWorld } from './support';

const EXTERNAL_ID = 'school-sso-external-id';

/**
 * Issue 15: students and instructors sign in with their school's OpenID Connect provider — a real one
 * (oidc-provider in its own process) whose login and consent forms the test fills in as a person would.
 */
describe('school sign-in (OpenID Connect) against a real local provider', () => {
  let world: SsoWorld;
  let room: Classroom;
  let ownerEmail: string;
  let providerId: string;
  let ownerDashboard: Browser;
  const memberEmail = `member-${Date.now()}@example.edu`;

  beforeAll(async () => {
    // Emails of the people at the provider are only known once the classroom exists: create it first, with its
    // own Prisma client, then the provider with those users.
    const { testPrisma } = await import('../support/factories');
    const prisma = testPrisma();
    room = await createClassroom(prisma, {
      students: 3,
      endpoint: 'http://127.0.0.1:9',
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
    });
    ownerEmail = (await prisma.instructor.findFirstOrThrow({ where: { tenantId: room.tenantId, role: 'OWNER' } }))
      .email;
    await prisma.$disconnect();
    const [s0, s1] = room.students;
    world = await startSsoWorld(
      [EXTERNAL_ID],
      [
        { login: 'owner', password: 'correct horse battery staple', email: ownerEmail, amr: ['pwd'] },
        {
          login: 'owner-mfa',
          sub: 'owner-mfa',
          password: 'correct horse battery staple',
          email: ownerEmail,
          amr: ['pwd', 'mfa'],
        },
        { login: 'member', password: 'correct horse battery staple', email: memberEmail, amr: ['pwd'] },
        {
          login: 'member-mfa',
          sub: 'member-mfa',
          password: 'correct horse battery staple',
          email: memberEmail,
          amr: ['pwd', 'mfa'],
        },
        { login: 'student', password: 'correct horse battery staple', email: s0.email.toUpperCase() },
        { login: 'unverified', password: 'correct horse battery staple', email: s1.email, email_verified: false },
        { login: 'foreign', password: 'correct horse battery staple', email: 'someone@elsewhere.org' },
        { login: 'nobody', password: 'correct horse battery staple', email: 'nobody@example.edu' },
        { login: 'nonce', password: 'correct horse battery staple', email: s0.email, misbehave: 'nonce' },
        { login: 'audience', password: 'correct horse battery staple', email: s0.email, misbehave: 'audience' },
        { login: 'expired', password: 'correct horse battery staple', email: s0.email, misbehave: 'expired' },
      ],
    );
    // The lab's connection points at this world's aws-local.
    await world.prisma.awsConnection.update({
      where: { id: room.connectionId },
      data: { endpointOverride: world.aws.url },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('lets the owner add the provider: discovery checked, secret sealed and write-only, changes need step-up, audited', async () => {
    const { api, prisma } = world;
    // Password sign-in cannot be turned off before an instructor provider admits the owner.
    const early = await api.http.patch('/v1/tenant').set(bearer(room.ownerToken)).send({ passwordSignIn: false });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('sign_in_lockout');

    const unreachable = await api.http
      .post('/v1/identity-providers')
      .set(bearer(room.ownerToken))
      .send({ displayName: 'Nowhere', issuer: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.errors[0]).toMatchObject({ field: 'issuer' });
    const plainHttp = await api.http
      .post('/v1/identity-providers')
      .set(bearer(room.ownerToken))
      .send({ displayName: 'Plain', issuer: 'http://idp.example.edu', clientId: 'x', clientSecret: 'y' });
    expect(plainHttp.status).toBe(400);

    const created = await addProvider(world, room.ownerToken);
    providerId = created.id;
    expect(created).toMatchObject({
      displayName: 'Example University',
      issuer: world.provider.issuer,
      clientSecretSet: true,
      allowedDomains: ['example.edu'],
      emailClaim: 'email',
      audience: 'both',
      enabled: true,
      redirectUri: `${world.baseUrl}/v1/auth/sso/callback`,
      lastTest: null,
    });
    expect(JSON.stringify(created)).not.toContain(CLIENT_SECRET);
    const list = await api.http.get('/v1/identity-providers').set(bearer(room.ownerToken)).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.studentSignInUrl).toBe(`${world.baseUrl}/student/sso/${room.tenantId}`);
    expect(JSON.stringify(list.body)).not.toContain(CLIENT_SECRET);
    const row = await prisma.identityProvider.findUniqueOrThrow({ where: { id: providerId } });
    expect(Buffer.from(row.clientSecretSealed).toString('latin1')).not.toContain(CLIENT_SECRET);

    // With the dashboard cookie, changes need a fresh code (step-up), like AWS connections.
    ownerDashboard = (await signInOwnerOf(api, prisma, room)).browser;
    const noStepUp = await ownerDashboard.patch(`/v1/identity-providers/${providerId}`, { enabled: false });
    expect(noStepUp.status).toBe(403);
    expect(noStepUp.body.code).toBe('step_up_required');

    const renamed = await api.http
      .patch(`/v1/identity-providers/${providerId}`)
      .set(bearer(room.ownerToken))
      .send({ displayName: 'Example U', clientSecret: CLIENT_SECRET })
      .expect(200);
    expect(renamed.body.displayName).toBe('Example U');
    await api.http
      .patch(`/v1/identity-providers/${providerId}`)
      .set(bearer(room.ownerToken))
      .send({ displayName: 'Example University' })
      .expect(200);

    const audit = await prisma.auditEvent.findMany({
      where: { tenantId: room.tenantId, subjectType: 'identity-provider' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'identity-provider.created',
      'identity-provider.updated',
      'identity-provider.updated',
    ]);
    expect(JSON.stringify(audit)).not.toContain(CLIENT_SECRET);
  });

  it('signs an instructor in end to end: the same session cookie, CSRF and lab routes as a password sign-in', async () => {
    const { api } = world;
    const browser = new SsoBrowser(world.baseUrl);
    const options = await browser.get(`/v1/auth/sso/tenants/${room.tenantId}`, { accept: 'application/json' });
    expect(options.status).toBe(200);
    const body = (await options.json()) as { passwordSignIn: boolean; providers: { id: string; signInUrl: string }[] };
    expect(body.passwordSignIn).toBe(true);
    expect(body.providers).toEqual([
      {
        id: providerId,
        displayName: 'Example University',
        signInUrl: `${world.baseUrl}${startPath(room.tenantId, providerId, 'instructor')}`,
      },
    ]);

    const landed = await browser.signIn(startPath(room.tenantId, providerId, 'instructor'), { login: 'owner' });
    expect(landed.status).toBe(302);
    expect(landed.location).toBe('/');
    const cookie = browser.cookie('lk_session');
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = await api.http.get('/v1/auth/session').set('cookie', `lk_session=${cookie}`).expect(200);
    expect(session.body).toMatchObject({ state: 'signed-in', instructor: { email: ownerEmail, role: 'OWNER' } });
    await api.http.get(`/v1/labs/${room.labId}`).set('cookie', `lk_session=${cookie}`).expect(200);
    // A change still needs the CSRF token and the dashboard's origin.
    await api.http.post(`/v1/labs/${room.labId}/start`).set('cookie', `lk_session=${cookie}`).expect(403);

    const signedOut = await api.http
      .post('/v1/auth/sign-out')
      .set('cookie', `lk_session=${cookie}`)
      .set('x-csrf-token', session.body.csrfToken)
      .set('origin', world.baseUrl)
      .expect(200);
    expect(signedOut.body.endSessionUrl).toMatch(new RegExp(`^${world.provider.issuer}/`));
    expect(new URL(signedOut.body.endSessionUrl).searchParams.get('post_logout_redirect_uri')).toBe(
      `${world.baseUrl}/sign-in?tenant=${room.tenantId}`,
    );
    await api.http.get('/v1/auth/session').set('cookie', `lk_session=${cookie}`).expect(401);
    const audit = await world.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: room.tenantId, action: 'instructor.signed-in' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit.summary).toMatchObject({ via: 'sso', providerId });
  });

  it("keeps LabKeys' TOTP step unless the tenant trusts the provider's MFA and the ID token says amr contains mfa", async () => {
    const { api } = world;
    await api.http.patch('/v1/tenant').set(bearer(room.ownerToken)).send({ mfaRequired: true }).expect(200);
    const stateOf = async (login: string) => {
      const browser = new SsoBrowser(world.baseUrl);
      const landed = await browser.signIn(startPath(room.tenantId, providerId, 'instructor'), { login });
      expect(landed.location).toBe('/');
      const res = await api.http.get('/v1/auth/session').set('cookie', `lk_session=${browser.cookie('lk_session')}`);
      return res.body.state as string;
    };
    expect(await stateOf('owner-mfa')).toBe('mfa-enrolment-required');
    const trusted = await api.http
      .patch('/v1/tenant')
      .set(bearer(room.ownerToken))
      .send({ trustProviderMfa: true })
      .expect(200);
    expect(trusted.body).toMatchObject({ mfaRequired: true, trustProviderMfa: true, passwordSignIn: true });
    expect(await stateOf('owner-mfa')).toBe('signed-in');
    expect(await stateOf('owner')).toBe('mfa-enrolment-required');
    await api.http
      .patch('/v1/tenant')
      .set(bearer(room.ownerToken))
      .send({ mfaRequired: false, trustProviderMfa: false })
      .expect(200);
  });

  it('asks an instructor who has TOTP for a code after the school sign-in, unless the tenant trusts the school’s MFA', async () => {
    const { api } = world;
    const dashboard = new Browser(api);
    const accepted = await dashboard.post('/v1/auth/invitations/accept', {
      token: await invite(api, room.ownerToken, memberEmail),
      password: DASHBOARD_PASSWORD,
    });
    expect(accepted.status).toBe(200);
    const { app } = await enrolMfa(dashboard);
    const signIn = async (login: string) => {
      const browser = new SsoBrowser(world.baseUrl);
      expect((await browser.signIn(startPath(room.tenantId, providerId, 'instructor'), { login })).location).toBe('/');
      const cookie = `lk_session=${browser.cookie('lk_session')}`;
      return { cookie, session: (await api.http.get('/v1/auth/session').set('cookie', cookie).expect(200)).body };
    };
    const untrusted = await signIn('member-mfa');
    expect(untrusted.session.state).toBe('mfa-required');
    await api.http.get('/v1/courses').set('cookie', untrusted.cookie).expect(403);
    const verified = await api.http
      .post('/v1/auth/mfa/verify')
      .set('cookie', untrusted.cookie)
      .set('x-csrf-token', untrusted.session.csrfToken)
      .set('origin', world.baseUrl)
      .send({ code: await app.code() })
      .expect(200);
    expect(verified.body.state).toBe('signed-in');

    await api.http.patch('/v1/tenant').set(bearer(room.ownerToken)).send({ trustProviderMfa: true }).expect(200);
    expect((await signIn('member-mfa')).session.state).toBe('signed-in');
    expect((await signIn('member')).session.state).toBe('mfa-required');
    await api.http.patch('/v1/tenant').set(bearer(room.ownerToken)).send({ trustProviderMfa: false }).expect(200);
  });

  it('turns password sign-in off (owner admitted by a provider) and then refuses passwords in plain words', async () => {
    const { api } = world;
    const off = await api.http.patch('/v1/tenant').set(bearer(room.ownerToken)).send({ passwordSignIn: false });
    expect(off.status).toBe(200);
    expect(off.body.passwordSignIn).toBe(false);
    const refused = await new Browser(api).post('/v1/auth/sign-in', {
      email: ownerEmail,
      password: DASHBOARD_PASSWORD,
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'password_sign_in_off' });
    expect(refused.body.detail).toContain('Sign in with');
    // The last instructor provider cannot be disabled while passwords are off.
    const lockout = await api.http
      .patch(`/v1/identity-providers/${providerId}`)
      .set(bearer(room.ownerToken))
      .send({ audience: 'students' });
    expect(lockout.status).toBe(409);
    await api.http.patch('/v1/tenant').set(bearer(room.ownerToken)).send({ passwordSignIn: true }).expect(200);
  });

  it('signs a student in by verified email: their labs, then their credentials, with no access link', async () => {
    const { api } = world;
    const browser = new SsoBrowser(world.baseUrl);
    const landed = await browser.signIn(startPath(room.tenantId, providerId, 'student'), { login: 'student' });
    expect(landed.status).toBe(302);
    expect(landed.location).toBe('/student');
    const cookie = browser.cookie('lks_session', '/v1/me');
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const labs = await api.http.get('/v1/me/sso/labs').set('cookie', `lks_session=${cookie}`).expect(200);
    expect(labs.body.courses).toEqual([
      expect.objectContaining({
        enrollmentId: expect.any(String),
        chosen: true,
        course: expect.objectContaining({ id: room.courseId }),
        labs: [expect.objectContaining({ id: room.labId, state: 'SCHEDULED' })],
      }),
    ]);
    await api.http.get('/v1/me/session').set('cookie', `lks_session=${cookie}`).expect(200);

    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    const creds = await eventually(async () => {
      const res = await api.http.get('/v1/me/sessions/current').set('cookie', `lks_session=${cookie}`);
      if (res.status !== 200) throw new Error(`not yet: ${res.status}`);
      return res.body;
    }, 30_000);
    expect(creds).toMatchObject({ labId: room.labId, state: 'ACTIVE', accessKeyId: expect.any(String) });

    // Signing out ends the session; the student's access link keeps working.
    await api.http
      .delete('/v1/me/sso/session')
      .set('cookie', `lks_session=${cookie}`)
      .set('origin', world.baseUrl)
      .expect(204);
    await api.http.get('/v1/me/session').set('cookie', `lks_session=${cookie}`).expect(401);
    await api.http.get('/v1/me/session').set(bearer(room.students[0].token)).expect(200);
  });

  it('refuses an unverified email, a domain not allowed, a student with no enrollment and an unknown instructor', async () => {
    const refusal = async (login: string, purpose: string) => {
      const landed = await new SsoBrowser(world.baseUrl).signIn(startPath(room.tenantId, providerId, purpose), {
        login,
      });
      expect(landed.status).toBe(302);
      return landed.url;
    };
    const unverified = await refusal('unverified', 'student');
    expect(unverified.pathname).toBe(`/student/sso/${room.tenantId}`);
    expect(unverified.searchParams.get('sso_error')).toBe('email_unverified');
    expect(unverified.searchParams.get('detail')).toContain('verified');
    expect((await refusal('foreign', 'student')).searchParams.get('sso_error')).toBe('domain_not_allowed');
    expect((await refusal('nobody', 'student')).searchParams.get('sso_error')).toBe('no_enrollment');
    const instructor = await refusal('nobody', 'instructor');
    expect(instructor.pathname).toBe('/sign-in');
    expect(instructor.searchParams.get('tenant')).toBe(room.tenantId);
    expect(instructor.searchParams.get('sso_error')).toBe('no_account');

    // An API client gets problem+json (never a 5xx) instead of a redirect.
    const browser = new SsoBrowser(world.baseUrl);
    const callback = await browser.atProvider(await browser.start(startPath(room.tenantId, providerId, 'student')), {
      login: 'nobody',
    });
    const json = await browser.callback(callback, { accept: 'application/json' });
    expect(json.status).toBe(403);
    expect(json.body).toMatchObject({ code: 'no_enrollment', status: 403 });
  });

  it('refuses a wrong state, a replayed code, a callback in another browser, and the provider’s own refusal', async () => {
    const browser = new SsoBrowser(world.baseUrl);
    const callback = new URL(
      await browser.atProvider(await browser.start(startPath(room.tenantId, providerId, 'student')), {
        login: 'student',
      }),
    );
    const wrongState = new URL(callback);
    wrongState.searchParams.set('state', 'not-the-state');
    const refusedState = await browser.callback(wrongState.toString());
    expect(refusedState.url.searchParams.get('sso_error')).toBe('attempt_unknown');
    // The real callback works once; the same URL again finds no attempt.
    expect((await browser.callback(callback.toString())).location).toBe('/student');
    expect((await browser.callback(callback.toString())).url.searchParams.get('sso_error')).toBe('attempt_unknown');

    // The spent code in a new attempt's callback: the provider refuses it (used, and another PKCE verifier).
    const again = new URL(
      await browser.atProvider(await browser.start(startPath(room.tenantId, providerId, 'student')), {
        login: 'student',
      }),
    );
    again.searchParams.set('code', callback.searchParams.get('code')!);
    const replayed = await browser.callback(again.toString());
    expect(replayed.url.searchParams.get('sso_error')).toBe('code_rejected');

    // A callback URL carried to another browser (no binding cookie) is refused there.
    const elsewhere = await browser.atProvider(await browser.start(startPath(room.tenantId, providerId, 'student')), {
      login: 'student',
    });
    const other = await new SsoBrowser(world.baseUrl).callback(elsewhere);
    expect(other.url.searchParams.get('sso_error')).toBe('browser_mismatch');

    // The person denies consent at the provider: its error, in words.
    const fresh = new SsoBrowser(world.baseUrl);
    const denied = await fresh.callback(
      await fresh.atProvider(
        await fresh.start(startPath(room.tenantId, providerId, 'student')),
        { login: 'nobody' },
        'deny',
      ),
    );
    expect(denied.url.searchParams.get('sso_error')).toBe('access_denied');
  });

  it('refuses ID tokens with a wrong nonce, a wrong audience, or past their expiry', async () => {
    const refused = async (login: string) => {
      const landed = await new SsoBrowser(world.baseUrl).signIn(startPath(room.tenantId, providerId, 'student'), {
        login,
      });
      return { code: landed.url.searchParams.get('sso_error'), detail: landed.url.searchParams.get('detail') };
    };
    const nonce = await refused('nonce');
    expect(nonce.code).toBe('id_token_invalid');
    expect(nonce.detail).toContain('nonce');
    const audience = await refused('audience');
    expect(audience.code).toBe('id_token_invalid');
    expect(audience.detail).toContain('aud');
    expect((await refused('expired')).code).toBe('id_token_expired');
  });

  it("reports a test sign-in's claims (no tokens) to the owner", async () => {
    const { api } = world;
    // Password sign-in again: the dashboard browser from the first test signs in anew.
    const signedIn = await ownerDashboard.post('/v1/auth/sign-in', { email: ownerEmail, password: DASHBOARD_PASSWORD });
    expect(signedIn.status).toBe(200);
    const started = await ownerDashboard.post(`/v1/identity-providers/${providerId}/test-sign-in`);
    expect(started.status).toBe(200);
    const browser = new SsoBrowser(world.baseUrl);
    const binding = /lk_sso=([^;]+)/.exec(String(started.headers['set-cookie']))![1];
    browser.jar.store(new URL(world.baseUrl), new Headers({ 'set-cookie': `lk_sso=${binding}; Path=/v1/auth/sso` }));
    const landed = await browser.callback(
      await browser.atProvider(started.body.authorizationUrl, { login: 'owner-mfa' }),
    );
    expect(landed.location).toBe(`/settings/sign-in?tested=${providerId}`);
    const got = await api.http.get(`/v1/identity-providers/${providerId}`).set(bearer(room.ownerToken)).expect(200);
    expect(got.body.lastTest).toMatchObject({
      error: null,
      claims: expect.objectContaining({
        sub: 'owner-mfa',
        email: ownerEmail,
        email_verified: true,
        amr: ['pwd', 'mfa'],
      }),
    });
    expect(JSON.stringify(got.body)).not.toMatch(/id_token|access_token|eyJ/);
  });

  it("keeps tenants apart: tenant B neither reads nor uses tenant A's provider", async () => {
    const { api } = world;
    const b = await createTenantWithOwner(world.prisma);
    await api.http.get(`/v1/identity-providers/${providerId}`).set(bearer(b.ownerToken)).expect(404);
    await api.http
      .patch(`/v1/identity-providers/${providerId}`)
      .set(bearer(b.ownerToken))
      .send({ enabled: false })
      .expect(404);
    await api.http.delete(`/v1/identity-providers/${providerId}`).set(bearer(b.ownerToken)).expect(404);
    await api.http.post(`/v1/identity-providers/${providerId}/test-sign-in`).set(bearer(b.ownerToken)).expect(404);
    const list = await api.http.get('/v1/identity-providers').set(bearer(b.ownerToken)).expect(200);
    expect(list.body.items).toEqual([]);
    // A's provider under B's sign-in URL is not offered.
    const browser = new SsoBrowser(world.baseUrl);
    const res = await browser.get(startPath(b.tenantId, providerId, 'student'));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!, world.baseUrl).searchParams.get('sso_error')).toBe(
      'provider_unavailable',
    );
    const options = await api.http.get(`/v1/auth/sso/tenants/${b.tenantId}`).expect(200);
    expect(options.body.providers).toEqual([]);
    // Instructors who are not owners cannot see providers either.
    expect((await api.http.get('/v1/identity-providers').set(bearer(room.ownerToken))).status).toBe(200);
  });

  it('never writes the client secret, an authorization code or a state to the logs', () => {
    expect(world.api.logs.lines.length).toBeGreaterThan(10);
    expect(world.api.logs.text).not.toContain(CLIENT_SECRET);
    const callbacks = world.api.logs.lines.filter((line) => line.includes('/v1/auth/sso/callback?'));
    expect(callbacks.length).toBeGreaterThan(0);
    for (const line of callbacks) {
      expect(line).not.toMatch(/[?&]code=(?!\[redacted\])/);
      expect(line).not.toMatch(/[?&]state=(?!\[redacted\])/);
    }
  });
});
