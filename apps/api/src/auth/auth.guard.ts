import { ForbiddenException, HttpException, HttpStatus, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppConfig } from '@labkeys/config';
import { currentRequestContext } from '../common/request-context';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import type { Actor } from './actor';
import { AUTH_MODE, type AuthMode } from './auth.decorators';
import { TokenAuthenticator } from './token-authenticator.service';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route needs an instructor token unless marked otherwise. The tenant
 * always comes from the token. Repeated failures from one address get 429
 * before any token is checked.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenAuthenticator,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const mode = this.reflector.getAllAndOverride<AuthMode>(AUTH_MODE, [context.getHandler(), context.getClass()]) ?? 'instructor';
    if (mode === 'public') return true;
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const res = context.switchToHttp().getResponse<Response>();

    const windowMs = this.config.authFailureWindowSeconds * 1000;
    const address = req.ip ?? 'unknown';
    const failures = await this.limiter.peek('auth-fail', address, this.config.authFailureLimit, windowMs);
    if (failures.count >= this.config.authFailureLimit) {
      res.setHeader('retry-after', String(failures.retryAfterSeconds));
      throw new HttpException({ detail: 'Too many failed authentication attempts; try again later.' }, HttpStatus.TOO_MANY_REQUESTS);
    }

    const raw = bearer(req);
    const actor = raw ? (mode === 'student' ? await this.tokens.student(raw) : await this.tokens.instructor(raw)) : null;
    if (!actor) {
      await this.limiter.hit('auth-fail', address, this.config.authFailureLimit, windowMs);
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

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}
