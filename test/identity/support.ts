import { Secret, TOTP } from 'otpauth';
import type { Response, Test } from 'supertest';
import { AppConfig } from '@labkeys/config';
import type { PrismaClient } from '@labkeys/database';
import { bearer, createTenantWithOwner, type TestApi } from '../support/api';

export const PASSWORD = 'correct horse battery staple';
const STEP_MS = 30_000;

type Method = 'get' | 'post' | 'patch' | 'delete';

interface SendOptions {
  /** false: leave the CSRF header out; a string: send that instead of the session's. */
  csrf?: boolean | string;
  /** null: no Origin header; a string: that origin instead of the dashboard's. */
  origin?: string | null;
}

/** A browser on the dashboard: keeps the lk_session cookie and sends the session's CSRF token and the dashboard's Origin. */
export class Browser {
  cookie?: string;
  csrfToken?: string;
  readonly origin: string;

  constructor(private readonly api: TestApi) {
    this.origin = api.app.get(AppConfig).webOrigins[0];
  }

  async send(method: Method, path: string, body?: object, options: SendOptions = {}): Promise<Response> {
    let req: Test = this.api.http[method](path);
    if (this.cookie) req = req.set('cookie', `lk_session=${this.cookie}`);
    const csrf = options.csrf === undefined || options.csrf === true ? this.csrfToken : options.csrf || undefined;
    if (csrf) req = req.set('x-csrf-token', csrf);
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin) req = req.set('origin', origin);
    const res = await (body ? req.send(body) : req);
    this.remember(res);
    return res;
  }

  get = (path: string, options?: SendOptions) => this.send('get', path, undefined, options);
  post = (path: string, body?: object, options?: SendOptions) => this.send('post', path, body ?? {}, options);
  patch = (path: string, body: object, options?: SendOptions) => this.send('patch', path, body, options);
  delete = (path: string, options?: SendOptions) => this.send('delete', path, undefined, options);

  private remember(res: Response): void {
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    for (const cookie of cookies) {
      const match = /^lk_session=([^;]*)/.exec(cookie);
      if (match) this.cookie = match[1] || undefined;
    }
    if (typeof res.body?.csrfToken === 'string') this.csrfToken = res.body.csrfToken;
  }
}

/** An authenticator app: gives a code of a time step the server has not seen yet, waiting for the clock when needed. */
export class Authenticator {
  private lastStep = -1;
  readonly secret: Secret;

  constructor(base32: string) {
    this.secret = Secret.fromBase32(base32);
  }

  async code(): Promise<string> {
    for (;;) {
      const current = Math.floor(Date.now() / STEP_MS);
      const step = Math.max(current, this.lastStep + 1);
      // The server accepts one step of skew: the current step's code and the next one's.
      if (step <= current + 1) {
        this.lastStep = step;
        return this.codeOf(step);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The code the server saw last (to try it again). */
  lastCode(): string {
    return this.codeOf(this.lastStep);
  }

  private codeOf(step: number): string {
    return TOTP.generate({ secret: this.secret, timestamp: step * STEP_MS });
  }
}

export interface SignedIn {
  browser: Browser;
  email: string;
  instructorId: string;
  tenantId: string;
  ownerToken: string;
}

/** The invitation token of an invitation link (after `#`). */
export const tokenOf = (invitationUrl: string) => invitationUrl.split('#')[1];

/** An invitation issued with the owner's API token (bearer requests need no step-up). */
export async function invite(api: TestApi, ownerToken: string, email: string, role = 'INSTRUCTOR'): Promise<string> {
  const res = await api.http.post('/v1/invitations').set(bearer(ownerToken)).send({ email, role }).expect(201);
  return tokenOf(res.body.invitationUrl);
}

/** A new tenant whose owner set a password through an invitation and is signed in in a browser. */
export async function signedInOwner(api: TestApi, prisma: PrismaClient): Promise<SignedIn> {
  return signInOwnerOf(api, prisma, await createTenantWithOwner(prisma));
}

/** The owner of an existing tenant sets a password through an invitation and is signed in in a browser. */
export async function signInOwnerOf(
  api: TestApi,
  prisma: PrismaClient,
  tenant: { tenantId: string; ownerToken: string },
): Promise<SignedIn> {
  const owner = await prisma.instructor.findFirstOrThrow({ where: { tenantId: tenant.tenantId, role: 'OWNER' } });
  const token = await invite(api, tenant.ownerToken, owner.email, 'OWNER');
  const browser = new Browser(api);
  const res = await browser.post('/v1/auth/invitations/accept', { token, password: PASSWORD });
  if (res.status !== 200) throw new Error(`accept answered ${res.status}: ${res.text}`);
  return {
    browser,
    email: owner.email,
    instructorId: owner.id,
    tenantId: tenant.tenantId,
    ownerToken: tenant.ownerToken,
  };
}

/** An instructor invited by the owner with `role`, signed in in a browser of their own. */
export async function signedInMember(api: TestApi, owner: SignedIn, role: string): Promise<SignedIn> {
  const email = `${role.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.edu`;
  const browser = new Browser(api);
  const res = await browser.post('/v1/auth/invitations/accept', {
    token: await invite(api, owner.ownerToken, email, role),
    password: PASSWORD,
  });
  if (res.status !== 200) throw new Error(`accept answered ${res.status}: ${res.text}`);
  return { ...owner, browser, email, instructorId: res.body.instructor.id };
}

/** Enrols an authenticator app for the signed-in browser; answers it and the recovery codes. */
export async function enrolMfa(browser: Browser): Promise<{ app: Authenticator; recoveryCodes: string[] }> {
  const started = await browser.post('/v1/account/mfa/enrolment');
  if (started.status !== 200) throw new Error(`enrolment answered ${started.status}: ${started.text}`);
  const app = new Authenticator(started.body.secret);
  const confirmed = await browser.post('/v1/account/mfa/enrolment/confirm', { code: await app.code() });
  if (confirmed.status !== 200) throw new Error(`confirm answered ${confirmed.status}: ${confirmed.text}`);
  return { app, recoveryCodes: confirmed.body.recoveryCodes };
}

/** Polls until `check` holds (bounded), for conditions that take time to become true. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
