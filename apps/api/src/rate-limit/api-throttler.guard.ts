import { HttpException, HttpStatus, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { AppConfig } from '@labkeys/config';
import { hashToken } from '@labkeys/secrets';
import { wellFormedToken } from '../auth/bearer';
import { sessionCookieOf } from '../identity/session-cookie';

/**
 * The api-wide limit (@nestjs/throttler), one bucket per token across all
 * routes and replicas. The bucket is keyed on the parsed token, so whitespace
 * or case variants of the header share it; a header that is not a well-formed
 * token counts against the address, so random headers cannot mint keys.
 */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- ThrottlerGuard declares it as returning a Promise
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.switchToHttp().getRequest<Request>().path === '/health';
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- ThrottlerGuard declares it as returning a Promise
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const token = wellFormedToken(req as unknown as Request);
    // A digest, never the token itself, goes into the key; a dashboard session counts like a token.
    if (token) return `t:${hashToken(token).slice(0, 32)}`;
    const session = sessionCookieOf(req as unknown as Request);
    return session ? `s:${hashToken(session).slice(0, 32)}` : `ip:${(req as unknown as Request).ip ?? 'unknown'}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${this.config.queuePrefix}:rl:${name}:${tracker}`;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- ThrottlerGuard awaits a Promise here; async makes the throw its rejection
  protected override async throwThrottlingException(): Promise<void> {
    throw new HttpException({ detail: 'Rate limit exceeded; slow down.' }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
