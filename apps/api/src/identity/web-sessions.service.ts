import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { tenantScopeOf, WebSessionRepository, type LiveWebSession, type TenantScope, type Tx } from '@labkeys/database';
import { csrfTokenOf, newSessionId, sessionIdHash } from './session-cookie';

export type SessionState = 'signed-in' | 'mfa-required' | 'mfa-enrolment-required';

/** The session a request authenticated with: the live row and the raw cookie value. */
export interface CurrentSession {
  live: LiveWebSession;
  raw: string;
}

export interface SessionView {
  state: SessionState;
  csrfToken: string;
  instructor: { id: string; email: string; name: string | null; role: string; mfaEnabled: boolean };
  tenant: { id: string; name: string; mfaRequired: boolean };
  stepUpUntil: string | null;
}

/**
 * What a session may do follows from current data on every request: an instructor with MFA must prove it in
 * this session; one without, in a tenant that requires MFA, must enrol first.
 */
export function sessionState(live: LiveWebSession): SessionState {
  if (live.mfaEnabled && !live.mfaVerified) return 'mfa-required';
  // A school sign-in whose provider asserted MFA (trusted by the tenant) needs no LabKeys factor of its own.
  if (!live.mfaEnabled && live.tenantMfaRequired && !live.mfaByProvider) return 'mfa-enrolment-required';
  return 'signed-in';
}

/** Starting, rotating, opening and ending dashboard sessions. */
@Injectable()
export class WebSessions {
  constructor(
    private readonly sessions: WebSessionRepository,
    private readonly config: AppConfig,
  ) {}

  /** A new session id for the instructor (the cookie's value); the database keeps its hash. */
  async start(
    scope: TenantScope,
    instructorId: string,
    options: { mfaVerified: boolean; expiresAt?: Date; ssoProviderId?: string | null },
    tx?: Tx,
  ): Promise<string> {
    const raw = newSessionId();
    await this.sessions.create(
      scope,
      {
        instructorId,
        idHash: sessionIdHash(raw),
        mfaVerified: options.mfaVerified,
        expiresAt: options.expiresAt,
        absoluteMs: this.config.sessionAbsoluteTimeoutMs,
        ssoProviderId: options.ssoProviderId ?? null,
      },
      tx,
    );
    return raw;
  }

  /**
   * The session a sign-in opens, by password or through the school: whatever id the browser held before ends
   * (a known id is worth nothing after sign-in), and the instructor's ended rows are pruned.
   */
  async signIn(
    scope: TenantScope,
    instructorId: string,
    previousCookie: string | undefined,
    options: { mfaVerified: boolean; ssoProviderId?: string | null },
  ): Promise<CurrentSession> {
    if (previousCookie) {
      const previous = await this.open(previousCookie);
      if (previous) await this.end(previous);
    }
    await this.sessions.pruneEndedOf(scope, instructorId);
    return this.require(await this.start(scope, instructorId, options));
  }

  /** Replaces the session with a new id (its absolute end kept), so an id known before is worth nothing after. */
  async rotate(current: CurrentSession, options: { mfaVerified: boolean }): Promise<CurrentSession> {
    const scope = scopeOf(current.live);
    await this.sessions.revoke(scope, current.live.id);
    const raw = await this.start(scope, current.live.instructorId, {
      mfaVerified: options.mfaVerified || current.live.mfaVerified,
      expiresAt: current.live.expiresAt,
      ssoProviderId: current.live.ssoProviderId,
    });
    return this.require(raw);
  }

  async open(raw: string): Promise<LiveWebSession | null> {
    return this.sessions.systemAuthenticate(
      sessionIdHash(raw),
      this.config.sessionIdleTimeoutMs,
      this.config.sessionStepUpMs,
    );
  }

  /** The session just started or changed (it cannot have timed out in between). */
  async require(raw: string): Promise<CurrentSession> {
    const live = await this.open(raw);
    if (!live) throw new Error('a session just written could not be read back');
    return { live, raw };
  }

  async end(live: LiveWebSession): Promise<void> {
    await this.sessions.revoke(scopeOf(live), live.id);
  }

  /** Ends every session of the instructor but `exceptId`. */
  async endAllOf(scope: TenantScope, instructorId: string, exceptId: string | null = null, tx?: Tx): Promise<number> {
    return this.sessions.revokeAllOf(scope, instructorId, exceptId, tx);
  }

  view({ live, raw }: CurrentSession): SessionView {
    return {
      state: sessionState(live),
      csrfToken: csrfTokenOf(raw),
      instructor: {
        id: live.instructorId,
        email: live.email,
        name: live.name,
        role: live.role,
        mfaEnabled: live.mfaEnabled,
      },
      tenant: { id: live.tenantId, name: live.tenantName, mfaRequired: live.tenantMfaRequired },
      stepUpUntil: live.stepUpFresh && live.stepUpUntil ? new Date(live.stepUpUntil).toISOString() : null,
    };
  }
}

/** The tenant of a session that authenticated (part of the auth layer: the one place a session mints a scope). */
export const scopeOf = (live: LiveWebSession): TenantScope => tenantScopeOf(live.tenantId);
