import { Injectable } from '@nestjs/common';
import { StudentWebSessionRepository, tenantScopeOf } from '@labkeys/database';
import type { StudentActor } from '../auth/actor';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { newSessionId, sessionIdHash } from '../identity/session-cookie';
import { STUDENT_SESSION_LIFETIME_MS } from './student-session-cookie';
import { StudentSsoSessions } from './student-sso-sessions.service';

/**
 * The student page's sessions: an access token (from the link's fragment) is exchanged once for an opaque id
 * kept in an HttpOnly cookie, so the token leaves the URL and the page survives reloads. A session opens the
 * same StudentActor as its token, and only while that token still opens the enrollment: a replaced link, an
 * unenrolment, an archived course or an expired link ends its sessions too.
 */
@Injectable()
export class StudentWebSessions {
  constructor(
    private readonly repository: StudentWebSessionRepository,
    private readonly tokens: TokenAuthenticator,
    private readonly ssoSessions: StudentSsoSessions,
  ) {}

  /** A new session for the student a token authenticated; answers the raw id for the cookie (never stored). */
  async start(me: StudentActor): Promise<string> {
    const scope = tenantScopeOf(me.tenantId);
    await this.repository.pruneEndedOf(scope, me.enrollmentId, me.tokenHash);
    const raw = newSessionId();
    await this.repository.create(scope, {
      enrollmentId: me.enrollmentId,
      idHash: sessionIdHash(raw),
      tokenHash: me.tokenHash,
      lifetimeMs: STUDENT_SESSION_LIFETIME_MS,
    });
    return raw;
  }

  /** The student of a cookie, or null when the session or the token it came from no longer works. */
  async open(raw: string): Promise<StudentActor | null> {
    const live = await this.repository.systemAuthenticate(sessionIdHash(raw));
    return live ? this.tokens.studentOfSession(live) : null;
  }

  async end(me: StudentActor): Promise<void> {
    if (me.webSessionId) await this.repository.revoke(tenantScopeOf(me.tenantId), me.webSessionId);
    if (me.ssoSessionId) await this.ssoSessions.end(me.scope, me.ssoSessionId);
  }
}
