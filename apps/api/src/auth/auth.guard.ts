import { ForbiddenException, HttpException, HttpStatus, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { currentRequestContext } from '../common/request-context';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter';
import type { Actor } from './actor';
import { AUTH_MODE, type AuthMode } from './auth.decorators';
import { bearerToken, wellFormedToken } from './bearer';
import { TokenAuthenticator } from './token-authenticator.service';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route needs an instructor token unless marked otherwise. The tenant
 * always comes from the token. The token is checked first: a valid one is
 * never refused for others' failures; a failing request is answered 429
 * instead of 401 once its address or its token prefix failed too often.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenAuthenticator,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const mode = this.reflector.getAllAndOverride<AuthMode>(AUTH_MODE, [context.getHandler(), context.getClass()]) ?? 'instructor';
    if (mode === 'public') return true;
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const res = context.switchToHttp().getResponse<Response>();

    const raw = bearerToken(req);
    const actor = raw ? (mode === 'student' ? await this.tokens.student(raw) : await this.tokens.instructor(raw)) : null;
    if (!actor) {
      const verdict = await this.failures.recordFailure(req.ip ?? 'unknown', wellFormedToken(req));
      if (verdict.limited) {
        res.setHeader('retry-after', String(verdict.retryAfterSeconds));
        throw new HttpException({ detail: 'Too many failed authentication attempts; try again later.' }, HttpStatus.TOO_MANY_REQUESTS);
      }
      res.setHeader('www-authenticate', `Bearer realm="labkeys"${raw ? ', error="invalid_token"' : ''}`);
      throw new UnauthorizedException({
        detail: raw ? 'The token is invalid, expired or revoked.' : `A bearer token is required (${mode === 'student' ? 'student access token' : 'API token'}).`,
      });
    }
    if (actor.kind === 'instructor') {
      if (mode === 'owner' && actor.role !== 'OWNER') throw new ForbiddenException({ detail: 'Only tenant owners may do this.' });
      if (actor.role === 'ASSISTANT' && !READ_METHODS.has(req.method)) {
        throw new ForbiddenException({ detail: 'Assistants have read-only access.' });
      }
    }
    req.actor = actor;
    currentRequestContext().actor = actor;
    return true;
  }
}
