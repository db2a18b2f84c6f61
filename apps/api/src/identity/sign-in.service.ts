import { ConflictException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { InstructorCredentialRepository, tenantScopeOf, type SignInCandidate } from '@labkeys/database';
import { AttemptLimiter, type AttemptBucket } from './attempt-limiter';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from './passwords';
import { scopeOf, WebSessions, type CurrentSession } from './web-sessions.service';

/** Passwords checked per sign-in at most (an email in more tenants than this signs in to the oldest ones). */
const MAX_CANDIDATES = 10;

export interface SignInInput {
  email: string;
  password: string;
  tenantId?: string;
}

/**
 * Email and password → a new session (the id any earlier cookie held is ended). Unknown email, wrong password and
 * a disabled instructor answer alike, after the same argon2 work; failures count per email and per address.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly credentials: InstructorCredentialRepository,
    private readonly passwords: PasswordHasher,
    private readonly limiter: AttemptLimiter,
    private readonly sessions: WebSessions,
    private readonly audit: AuditService,
  ) {}

  async signIn(input: SignInInput, ip: string, previousCookie: string | undefined): Promise<CurrentSession> {
    const buckets: AttemptBucket[] = [
      { kind: 'account', email: input.email },
      { kind: 'address', ip },
    ];
    await this.limiter.assertAllowed(buckets);
    const verified = await this.matching(input);
    if (verified.length === 0) {
      await this.limiter.recordFailure(buckets);
      throw new UnauthorizedException({ detail: 'The email or password is not right.' });
    }
    // Said only once the password is right, so it tells nothing to someone guessing.
    const matches = verified.filter((match) => match.passwordSignIn);
    if (matches.length === 0) {
      throw new ForbiddenException({
        detail:
          'Your school signs you in to LabKeys through its own sign-in: use the "Sign in with …" button of your school.',
        code: 'password_sign_in_off',
        tenants: verified.map((match) => ({ id: match.tenantId, name: match.tenantName })),
      });
    }
    if (matches.length > 1) {
      throw new ConflictException({
        detail: 'This email and password open more than one tenant: sign in again with the tenantId of one of them.',
        tenants: matches.map((match) => ({ id: match.tenantId, name: match.tenantName })),
      });
    }
    const [match] = matches;
    const scope = tenantScopeOf(match.tenantId);
    const session = await this.sessions.signIn(scope, match.instructorId, previousCookie, { mfaVerified: false });
    await this.audit.recordAs(match.instructorId, scope, {
      action: 'instructor.signed-in',
      subjectType: 'instructor',
      subjectId: match.instructorId,
      summary: { sessionId: session.live.id },
    });
    return session;
  }

  async signOut({ live }: CurrentSession): Promise<void> {
    await this.sessions.end(live);
  }

  /** Ends every session of the instructor, this one included. */
  async signOutEverywhere({ live }: CurrentSession): Promise<void> {
    const scope = scopeOf(live);
    const ended = await this.sessions.endAllOf(scope, live.instructorId);
    await this.audit.record(scope, {
      action: 'instructor.signed-out-everywhere',
      subjectType: 'instructor',
      subjectId: live.instructorId,
      summary: { sessionsEnded: ended },
    });
  }

  private async matching(input: SignInInput): Promise<SignInCandidate[]> {
    const candidates = (await this.credentials.systemSignInCandidates(input.email, MAX_CANDIDATES)).filter(
      (c) => !input.tenantId || c.tenantId === input.tenantId,
    );
    if (candidates.length === 0) {
      await this.passwords.verifyNothing(input.password);
      return [];
    }
    const matches: SignInCandidate[] = [];
    for (const candidate of candidates) {
      // Verified even for a disabled instructor, so a disabled account takes as long to refuse as a wrong password.
      if ((await this.passwords.verify(candidate.passwordHash, input.password)) && !candidate.disabled)
        matches.push(candidate);
    }
    return matches;
  }
}
