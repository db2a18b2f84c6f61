import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  IdentityProviderRepository,
  InstructorRepository,
  SsoAttemptRepository,
  StudentRepository,
  tenantScopeOf,
  TenantRepository,
  type ClaimedSsoAttempt,
  type IdentityProvider,
  type JsonInput,
  type SsoPurpose,
  type TenantScope,
} from '@labkeys/database';
import { constantTimeEqual, hashToken } from '@labkeys/secrets';
import { AuditService } from '../audit/audit.service';
import { WebSessions, type CurrentSession } from '../identity/web-sessions.service';
import { StudentSsoSessions, STUDENT_CLI_SESSION_LIFETIME_MS } from '../me/student-sso-sessions.service';
import {
  CALLBACK_PATH,
  IdentityProvidersService,
  servesInstructors,
  servesStudents,
} from './identity-providers.service';
import { OpenIdRelyingParty, type IdTokenClaims } from './openid-relying-party';
import { SsoRefusal } from './sso-refusal';

/** A sign-in through an identity provider must come back within this long, once. */
export const SSO_ATTEMPT_LIFETIME_MS = 10 * 60_000;
/** The CLI's one-time code works this long after the browser reached its loopback listener. */
const CLI_CODE_LIFETIME_MS = 2 * 60_000;

export type PublicPurpose = 'instructor' | 'student' | 'student-cli';
const PURPOSE_OF: Record<PublicPurpose, SsoPurpose> = {
  instructor: 'INSTRUCTOR',
  student: 'STUDENT',
  'student-cli': 'STUDENT_CLI',
};

/** What the browser is sent to after a callback, and what it is given on the way. */
export type SsoOutcome =
  | { kind: 'instructor'; redirectTo: string; session: CurrentSession }
  | { kind: 'student'; redirectTo: string; studentCookie: string }
  | { kind: 'redirect'; redirectTo: string };

/** A refusal, with where the person is sent to read it. */
export class SsoFailure extends Error {
  constructor(
    readonly refusal: SsoRefusal,
    readonly redirectTo: string,
  ) {
    super(refusal.detail);
  }
}

/** The PKCE S256 form the CLI's challenge was sent in. */
const b64urlSha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

/**
 * The authorization code flow with PKCE, state and nonce. The attempt (state hash, nonce, PKCE verifier,
 * provider, purpose) is kept server-side, single use, ten minutes, and bound to the browser that started it
 * (a cookie whose hash it keeps). The callback lets openid-client validate the ID token, then admits only a
 * verified email of an allowed domain that matches an instructor or an enrolled student of the provider's tenant.
 */
@Injectable()
export class SsoFlowService {
  private readonly logger = new Logger('Sso');

  constructor(
    private readonly providers: IdentityProviderRepository,
    private readonly attempts: SsoAttemptRepository,
    private readonly instructors: InstructorRepository,
    private readonly students: StudentRepository,
    private readonly tenants: TenantRepository,
    private readonly webSessions: WebSessions,
    private readonly studentSessions: StudentSsoSessions,
    private readonly identityProviders: IdentityProvidersService,
    private readonly relyingParty: OpenIdRelyingParty,
    private readonly audit: AuditService,
  ) {}

  /** Starts a public sign-in (instructor, student, or student CLI) at a provider named by the sign-in URL. */
  async beginPublic(
    tenantId: string,
    providerId: string,
    purpose: PublicPurpose,
    cli: { port?: number; challenge?: string },
    browserSecret: string | undefined,
  ): Promise<{ authorizationUrl: string; browserSecret: string }> {
    const provider = await this.providers.systemFindEnabled(tenantId, providerId);
    const fits = provider && (purpose === 'instructor' ? servesInstructors : servesStudents)(provider.audience);
    if (!provider || !fits) {
      const refusal = new SsoRefusal(
        'provider_unavailable',
        'This sign-in is not offered (any more); ask your school or instructor.',
      );
      throw new SsoFailure(
        refusal,
        this.problemPath(PURPOSE_OF[purpose], tenantId, providerId, cli.port ?? null, refusal),
      );
    }
    if (purpose === 'student-cli' && (!cli.port || cli.port < 1024 || cli.port > 65535 || !cli.challenge)) {
      const refusal = new SsoRefusal(
        'code_missing',
        'The CLI sign-in needs its loopback port and challenge: run `labkeys login --sso` again.',
      );
      throw new SsoFailure(refusal, this.problemPath('STUDENT', tenantId, providerId, null, refusal));
    }
    return this.begin(
      tenantScopeOf(provider.tenantId),
      provider,
      PURPOSE_OF[purpose],
      {
        loopbackPort: purpose === 'student-cli' ? cli.port! : null,
        cliChallenge: purpose === 'student-cli' ? cli.challenge! : null,
      },
      browserSecret,
    );
  }

  /** The owner's test sign-in: any provider of their tenant, enabled or not; the claims are kept on the provider. */
  async beginTest(
    scope: TenantScope,
    providerId: string,
    browserSecret: string | undefined,
  ): Promise<{ authorizationUrl: string; browserSecret: string }> {
    const provider = await this.providers.findById(scope, providerId);
    if (!provider) throw new SsoRefusal('provider_unavailable', 'Identity provider not found.');
    return this.begin(scope, provider, 'TEST', { loopbackPort: null, cliChallenge: null }, browserSecret);
  }

  private async begin(
    scope: TenantScope,
    provider: IdentityProvider,
    purpose: SsoPurpose,
    cli: { loopbackPort: number | null; cliChallenge: string | null },
    existingBrowserSecret: string | undefined,
  ): Promise<{ authorizationUrl: string; browserSecret: string }> {
    let request: Awaited<ReturnType<OpenIdRelyingParty['authorizationRequest']>>;
    try {
      request = await this.relyingParty.authorizationRequest(
        this.identityProviders.clientOf(provider),
        this.identityProviders.redirectUri,
      );
    } catch (error) {
      if (error instanceof SsoRefusal)
        throw new SsoFailure(error, this.problemPath(purpose, scope.tenantId, provider.id, cli.loopbackPort, error));
      throw error;
    }
    // One binding per browser (kept across its attempts, so two tabs signing in at once do not undo each other).
    const browserSecret = existingBrowserSecret ?? randomBytes(32).toString('base64url');
    await this.attempts.create(scope, {
      providerId: provider.id,
      stateHash: hashToken(request.state),
      browserHash: hashToken(browserSecret),
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      purpose,
      returnTo: null,
      loopbackPort: cli.loopbackPort,
      cliChallenge: cli.cliChallenge,
      lifetimeMs: SSO_ATTEMPT_LIFETIME_MS,
    });
    // Each start clears a few attempts past their end, so abandoned sign-ins do not pile up (bounded work).
    await this.attempts.systemPruneExpired(20);
    return { authorizationUrl: request.url, browserSecret };
  }

  /**
   * The provider sent the browser back. Refusals carry where to show them; the attempt is spent either way (a
   * replayed callback finds nothing).
   */
  async callback(
    query: Record<string, string | undefined>,
    rawQuery: string,
    browserSecret: string | undefined,
    previousInstructorCookie: string | undefined,
  ): Promise<SsoOutcome> {
    const unknown = (refusal: SsoRefusal) => new SsoFailure(refusal, `/sign-in?${problemQuery(refusal)}`);
    if (!query.state)
      throw unknown(new SsoRefusal('attempt_unknown', 'The school sign-in came back without its state: start again.'));
    const attempt = await this.attempts.systemClaim(hashToken(query.state));
    if (!attempt) {
      throw unknown(
        new SsoRefusal(
          'attempt_unknown',
          'This sign-in was used already, or took more than ten minutes, or was not started here: start again.',
        ),
      );
    }
    const scope = tenantScopeOf(attempt.tenantId);
    const fail = (refusal: SsoRefusal) =>
      new SsoFailure(
        refusal,
        this.problemPath(attempt.purpose, attempt.tenantId, attempt.providerId, attempt.loopbackPort, refusal),
      );
    try {
      if (!browserSecret || !constantTimeEqual(hashToken(browserSecret), attempt.browserHash)) {
        throw new SsoRefusal(
          'browser_mismatch',
          'This sign-in was started in another browser (or its cookie was lost): start again in this one.',
        );
      }
      if (query.error) {
        const said = [query.error, query.error_description].filter(Boolean).join(': ');
        throw query.error === 'access_denied'
          ? new SsoRefusal('access_denied', `The school’s sign-in did not allow it (${said}).`)
          : new SsoRefusal('provider_error', `The school’s sign-in said: ${said}`);
      }
      if (!query.code)
        throw new SsoRefusal('code_missing', 'The school sign-in came back without a code: start again.');
      const provider = await this.providers.findById(scope, attempt.providerId);
      if (!provider || (!provider.enabled && attempt.purpose !== 'TEST'))
        throw new SsoRefusal('provider_unavailable', 'This sign-in is not offered any more.');
      const claims = await this.relyingParty.callback(
        this.identityProviders.clientOf(provider),
        new URL(`${this.identityProviders.redirectUri}?${rawQuery}`),
        { state: query.state, nonce: attempt.nonce, codeVerifier: attempt.codeVerifier },
        [provider.emailClaim, 'email_verified'],
      );
      return await this.finish(scope, attempt, provider, claims, previousInstructorCookie);
    } catch (error) {
      if (!(error instanceof SsoRefusal)) throw error;
      this.logger.log(
        { tenantId: attempt.tenantId, providerId: attempt.providerId, refusal: error.code },
        'sso refused',
      );
      if (attempt.purpose === 'TEST')
        await this.providers.recordTest(scope, attempt.providerId, { claims: null, error: error.detail });
      throw fail(error);
    }
  }

  /** The CLI exchanges its one-time code (and the verifier of the challenge it started with) for its session token. */
  async exchangeCli(code: string, verifier: string): Promise<{ token: string; expiresAt: string }> {
    const attempt = await this.attempts.systemExchangeCliCode(hashToken(code));
    if (!attempt || !constantTimeEqual(b64urlSha256(verifier), attempt.cliChallenge))
      throw new SsoRefusal('cli_code_unknown', 'That sign-in code was used already, has expired or is not this CLI’s.');
    const scope = tenantScopeOf(attempt.tenantId);
    const enrollments = await this.studentSessions.currentEnrollments(scope, attempt.studentId);
    if (enrollments.length === 0) throw new SsoRefusal('no_enrollment', NO_ENROLLMENT);
    const token = await this.studentSessions.start(scope, {
      studentId: attempt.studentId,
      kind: 'CLI',
      providerId: attempt.providerId,
      enrollments,
    });
    return { token, expiresAt: new Date(Date.now() + STUDENT_CLI_SESSION_LIFETIME_MS).toISOString() };
  }

  /** The provider's end-session URL for a session signed in through it, if the provider has one. */
  async endSessionUrl(scope: TenantScope, providerId: string | null, postLogout: string): Promise<string | null> {
    if (!providerId) return null;
    const provider = await this.providers.findById(scope, providerId);
    if (!provider) return null;
    return this.relyingParty.endSessionUrl(this.identityProviders.clientOf(provider), postLogout);
  }

  private async finish(
    scope: TenantScope,
    attempt: ClaimedSsoAttempt,
    provider: IdentityProvider,
    claims: IdTokenClaims,
    previousInstructorCookie: string | undefined,
  ): Promise<SsoOutcome> {
    if (attempt.purpose === 'TEST') {
      await this.providers.recordTest(scope, provider.id, { claims: claims as JsonInput, error: null });
      return { kind: 'redirect', redirectTo: `/settings/sign-in?tested=${provider.id}` };
    }
    const email = verifiedEmail(provider, claims);
    if (attempt.purpose === 'INSTRUCTOR') {
      const instructor = await this.instructors.findByEmail(scope, email);
      if (!instructor || instructor.disabledAt)
        throw new SsoRefusal(
          'no_account',
          `${email} has no LabKeys instructor account in this school; ask its owner for an invitation.`,
        );
      const tenant = await this.tenants.find(scope);
      const providerMfa = Array.isArray(claims.amr) && claims.amr.includes('mfa');
      const mfaVerified = Boolean(tenant?.trustProviderMfa && providerMfa);
      const session = await this.webSessions.signIn(scope, instructor.id, previousInstructorCookie, {
        mfaVerified,
        ssoProviderId: provider.id,
      });
      await this.audit.recordAs(instructor.id, scope, {
        action: 'instructor.signed-in',
        subjectType: 'instructor',
        subjectId: instructor.id,
        summary: { sessionId: session.live.id, via: 'sso', providerId: provider.id, providerMfa, mfaVerified },
      });
      return { kind: 'instructor', redirectTo: '/', session };
    }
    const student = await this.students.findActiveByEmail(scope, email);
    const enrollments = student ? await this.studentSessions.currentEnrollments(scope, student.id) : [];
    if (!student || enrollments.length === 0)
      // Which account the school signed in is the likeliest thing to be wrong (a private address), so say it.
      throw new SsoRefusal('no_enrollment', `Signed in as ${email}: no current course at this school lists it.`);
    if (attempt.purpose === 'STUDENT_CLI') {
      const code = randomBytes(32).toString('base64url');
      await this.attempts.completeForCli(scope, attempt.id, {
        cliCodeHash: hashToken(code),
        studentId: student.id,
        lifetimeMs: CLI_CODE_LIFETIME_MS,
      });
      return { kind: 'redirect', redirectTo: `http://127.0.0.1:${attempt.loopbackPort}/callback?code=${code}` };
    }
    const studentCookie = await this.studentSessions.start(scope, {
      studentId: student.id,
      kind: 'WEB',
      providerId: provider.id,
      enrollments,
    });
    return { kind: 'student', redirectTo: '/student', studentCookie };
  }

  /** Where a refusal is shown: the page the sign-in started from, or the CLI's loopback listener. */
  private problemPath(
    purpose: SsoPurpose,
    tenantId: string,
    providerId: string,
    loopbackPort: number | null,
    refusal?: SsoRefusal,
  ): string {
    const q = refusal ? `&${problemQuery(refusal)}` : '';
    switch (purpose) {
      case 'INSTRUCTOR':
        return `/sign-in?tenant=${tenantId}${q}`;
      case 'TEST':
        return `/settings/sign-in?tested=${providerId}${q}`;
      case 'STUDENT_CLI':
        if (loopbackPort)
          return `http://127.0.0.1:${loopbackPort}/callback?${refusal ? `error=${refusal.code}&error_description=${encodeURIComponent(refusal.detail)}` : 'error=refused'}`;
        return `/student/sso/${tenantId}?${q.slice(1)}`;
      default:
        return `/student/sso/${tenantId}?${q.slice(1)}`;
    }
  }
}

const NO_ENROLLMENT =
  'You signed in, but LabKeys has no current course for this email at this school: ask your instructor to add you.';

/** The query a page reads a refusal from: its code (the page has words for it) and the detail, short. */
export function problemQuery(refusal: SsoRefusal): string {
  return `sso_error=${refusal.code}&detail=${encodeURIComponent(refusal.detail.slice(0, 300))}`;
}

/** The email the provider verified, if it is one of the provider's allowed domains. */
function verifiedEmail(provider: IdentityProvider, claims: IdTokenClaims): string {
  const value = claims[provider.emailClaim];
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(value))
    throw new SsoRefusal('email_missing', `The school’s sign-in sent no email (claim “${provider.emailClaim}”).`);
  const email = value.trim().toLowerCase();
  if (claims.email_verified !== true)
    throw new SsoRefusal(
      'email_unverified',
      `The school’s sign-in has not verified ${email}; LabKeys accepts verified emails only.`,
    );
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (provider.allowedDomains.length > 0 && !provider.allowedDomains.includes(domain))
    throw new SsoRefusal(
      'domain_not_allowed',
      `${email} is not an address of this school (${provider.allowedDomains.map((d) => `@${d}`).join(', ')}).`,
    );
  return email;
}

export { CALLBACK_PATH };
