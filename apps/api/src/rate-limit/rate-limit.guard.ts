import { createHash } from 'node:crypto';
import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@labkeys/config';
import { RateLimiter } from './rate-limiter.service';

/** The api-wide limit: per token when one is presented, per address otherwise. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.path === '/health') return true;
    const header = req.headers.authorization;
    const id = header ? `t:${createHash('sha256').update(header).digest('hex').slice(0, 32)}` : `ip:${req.ip ?? 'unknown'}`;
    const limit = this.config.apiRateLimitPerMinute;
    const decision = await this.limiter.hit('api', id, limit, 60_000);
    const res = context.switchToHttp().getResponse<Response>();
    res.setHeader('ratelimit-limit', String(limit));
    res.setHeader('ratelimit-remaining', String(Math.max(0, limit - decision.count)));
    if (!decision.allowed) {
      res.setHeader('retry-after', String(decision.retryAfterSeconds));
      throw new HttpException({ detail: 'Rate limit exceeded; slow down.' }, HttpStatus.TOO_MANY_REQUESTS);
    }
    return true;
  }
}
