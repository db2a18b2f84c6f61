import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { AppConfig } from '@labkeys/config';
import { tenantScopeOf } from '@labkeys/database';
import { currentRequestContext } from '../common/request-context';
import { clearSessionCookie, crossSiteRefusal, sessionCookieOf } from '../identity/session-cookie';
import { sessionState, WebSessions } from '../identity/web-sessions.service';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter';
import { clearStudentCookie, studentCookieOf, studentCrossSiteRefusal } from '../me/student-session-cookie';
import { StudentSsoSessions } from '../me/student-sso-sessions.service';
import { StudentWebSessions } from '../me/student-web-sessions.service';
import { looksLikeToken } from '@labkeys/secrets';
import type { Actor, InstructorActor, StudentActor } from './actor';
import { AUTH_MODE, OWN_ACCOUNT, STEP_UP, type AuthMode, type AuthRequest } from './auth.decorators';
import { bearerToken, wellFormedToken } from './bearer';
import { TokenAuthenticator } from './token-authenticator.service';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route needs an instructor token unless marked otherwise. The tenant
 * always comes from the token. The token is checked first: a valid one is
 * never refused for others' failures; a failing request is answered 429
 * instead of 401 once its address or its token prefix failed too often.
 *
 * Wherever an instructor token is accepted, so is the dashboard session cookie
 * (same roles and tenant), when no bearer token is sent. Cookie requests that
 * change something must carry the session's CSRF token from an allowed origin,
 * and the routes marked StepUp need a fresh TOTP code in the session.
 *
 * Likewise, wherever a student access token is accepted, so is the student page's cookie (the same student,
 * while the token it was exchanged for still works); its changes must come from LabKeys' own origin.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenAuthenticator,
    private readonly failures: AuthFailureLimiter,
    private readonly sessions: WebSessions,
    private readonly config: AppConfig,
    private readonly studentSessions: StudentWebSessions,
    private readonly ssoSessions: StudentSsoSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const mode = this.reflector.getAllAndOverride<AuthMode>(AUTH_MODE, targets) ?? 'instructor';
    if (mode === 'public') return true;
    const req = context.switchToHttp().getRequest<AuthRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const sessionOnly = mode === 'session' || mode === 'session-pending';

    const raw = bearerToken(req);
    if (mode === 'student-identity') return this.studentIdentity(req, res, raw);
    const cookie = raw || mode === 'student' ? undefined : sessionCookieOf(req);
    const studentCookie = raw || mode !== 'student' ? undefined : studentCookieOf(req);
    let actor: Actor | null;
    if (raw && mode === 'student' && looksLikeToken(raw, 'lkc')) {
      const identity = await this.ssoSessions.open(raw, 'bearer');
      actor = identity ? await this.ssoSessions.actorOf(identity) : null;
    } else if (studentCookie) {
      actor = await this.studentSessionActor(req, res, studentCookie);
    } else if (cookie) {
      actor = await this.sessionActor(
        req,
        res,
        cookie,
        mode,
        this.reflector.getAllAndOverride<boolean>(STEP_UP, targets) ?? false,
      );
    } else if (sessionOnly) {
      actor = null;
    } else {
      actor = raw ? (mode === 'student' ? await this.tokens.student(raw) : await this.tokens.instructor(raw)) : null;
    }
    if (!actor) {
      // A dashboard asking whether it is signed in, with no cookie at all, guessed nothing: not counted.
      const counted = !sessionOnly || Boolean(cookie);
      const verdict = counted
        ? await this.failures.recordFailure(req.ip ?? 'unknown', wellFormedToken(req))
        : { limited: false, retryAfterSeconds: 0 };
      if (verdict.limited) {
        res.setHeader('retry-after', String(verdict.retryAfterSeconds));
        throw new HttpException(
          { detail: 'Too many failed authentication attempts; try again later.' },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      if (studentCookie)
        throw new UnauthorizedException({
          detail: 'Your LabKeys session has ended; open your access link, or sign in with your school, again.',
        });
      if (cookie || sessionOnly) {
        throw new UnauthorizedException({
          detail: cookie
            ? 'The session has ended; sign in again.'
            : 'Sign in first: this route needs the dashboard session.',
        });
      }
      res.setHeader('www-authenticate', `Bearer realm="labkeys"${raw ? ', error="invalid_token"' : ''}`);
      throw new UnauthorizedException({
        detail: raw
          ? 'The token is invalid, expired or revoked.'
          : `A bearer token is required (${mode === 'student' ? 'student access token' : 'API token'}).`,
      });
    }
    if (actor.kind === 'instructor') {
      if (mode === 'owner' && actor.role !== 'OWNER')
        throw new ForbiddenException({ detail: 'Only tenant owners may do this.' });
      const ownAccount = sessionOnly || (this.reflector.getAllAndOverride<boolean>(OWN_ACCOUNT, targets) ?? false);
      if (actor.role === 'ASSISTANT' && !READ_METHODS.has(req.method) && !ownAccount) {
        throw new ForbiddenException({ detail: 'Assistants have read-only access.' });
      }
    }
    req.actor = actor;
    currentRequestContext().actor = actor;
    return true;
  }

  /** A student signed in through their school, with or without a chosen course (their SSO cookie or lkc_ bearer). */
  private async studentIdentity(req: AuthRequest, res: Response, raw: string | undefined): Promise<boolean> {
    const cookie = raw ? undefined : studentCookieOf(req);
    const identity = raw
      ? await this.ssoSessions.open(raw, 'bearer')
      : cookie
        ? await this.ssoSessions.open(cookie, 'cookie')
        : null;
    if (!identity) {
      const verdict = await this.failures.recordFailure(req.ip ?? 'unknown', wellFormedToken(req));
      if (verdict.limited) {
        res.setHeader('retry-after', String(verdict.retryAfterSeconds));
        throw new HttpException(
          { detail: 'Too many failed authentication attempts; try again later.' },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      if (cookie) clearStudentCookie(res, this.config.secureCookies);
      throw new UnauthorizedException({
        detail: 'Sign in with your school first (your LabKeys session has ended, or there is none).',
      });
    }
    if (cookie && !READ_METHODS.has(req.method)) {
      const refusal = studentCrossSiteRefusal(req, this.config.webOrigins);
      if (refusal) throw new ForbiddenException({ detail: refusal, code: 'csrf_refused' });
    }
    req.studentIdentity = identity;
    return true;
  }

  /** The student of a student page cookie (wherever the access token is accepted), or null when it no longer works. */
  private async studentSessionActor(req: AuthRequest, res: Response, raw: string): Promise<StudentActor | null> {
    // A link's page session, else a school sign-in's (same cookie name and form).
    const linked = await this.studentSessions.open(raw);
    const sso = linked ? null : await this.ssoSessions.open(raw, 'cookie');
    const actor = linked ?? (sso ? await this.ssoSessions.actorOf(sso) : null);
    if (!actor) {
      clearStudentCookie(res, this.config.secureCookies);
      return null;
    }
    if (!READ_METHODS.has(req.method)) {
      const refusal = studentCrossSiteRefusal(req, this.config.webOrigins);
      if (refusal) throw new ForbiddenException({ detail: refusal, code: 'csrf_refused' });
    }
    return actor;
  }

  /** The instructor of a session cookie, or null when the session does not work (any more). */
  private async sessionActor(
    req: AuthRequest,
    res: Response,
    raw: string,
    mode: AuthMode,
    stepUp: boolean,
  ): Promise<InstructorActor | null> {
    if (mode === 'student') return null;
    const live = await this.sessions.open(raw);
    if (!live) {
      clearSessionCookie(res, this.config.secureCookies);
      return null;
    }
    if (!READ_METHODS.has(req.method)) {
      const refusal = crossSiteRefusal(req, raw, this.config.webOrigins);
      if (refusal) throw new ForbiddenException({ detail: refusal, code: 'csrf_refused' });
    }
    const state = sessionState(live);
    if (state !== 'signed-in' && mode !== 'session-pending') {
      throw new ForbiddenException(
        state === 'mfa-required'
          ? { detail: 'Enter a code from your authenticator app first.', code: 'mfa_required' }
          : { detail: 'This tenant requires MFA: enrol an authenticator app first.', code: 'mfa_enrolment_required' },
      );
    }
    if (stepUp && !live.stepUpFresh) {
      throw new ForbiddenException({
        detail: live.mfaEnabled
          ? 'Confirm with a fresh code from your authenticator app (POST /v1/auth/step-up).'
          : 'This change needs MFA from the dashboard: enrol an authenticator app, then confirm with a code.',
        code: 'step_up_required',
      });
    }
    req.webSession = { live, raw };
    return {
      kind: 'instructor',
      tenantId: live.tenantId,
      scope: tenantScopeOf(live.tenantId),
      instructorId: live.instructorId,
      role: live.role,
      tokenId: null,
      sessionId: live.id,
    };
  }
}
