import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { hashToken } from '@labkeys/secrets';
import type { StudentActor } from '../auth/actor';
import { ApiRedis } from '../common/api-redis';

/** How long a console link given out with credentials can be opened. */
export const CONSOLE_LINK_TTL_SECONDS = 300;

export interface ConsoleLinkGrant {
  actor: StudentActor;
  sessionId: string;
}

/**
 * Short-lived, single-use links that open the AWS console from a browser without a bearer header: the random
 * code is handed out once (in the credentials JSON and the stream's events); Redis keeps only its hash, bound to
 * the student, their token and one session, for five minutes. Opening it takes it (GETDEL), so a second use fails.
 */
@Injectable()
export class ConsoleLinks {
  constructor(
    private readonly redis: ApiRedis,
    private readonly config: AppConfig,
  ) {}

  async mint(actor: StudentActor, sessionId: string): Promise<string> {
    const code = randomBytes(24).toString('base64url');
    const grant: ConsoleLinkGrant = { actor, sessionId };
    await this.redis.client.set(this.key(code), JSON.stringify(grant), 'EX', CONSOLE_LINK_TTL_SECONDS);
    return `${this.config.publicUrl}/v1/console/${code}`;
  }

  /** The grant of a code, once; null when unknown, used or expired. */
  async redeem(code: string): Promise<ConsoleLinkGrant | null> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(code)) return null;
    const raw = await this.redis.client.getdel(this.key(code));
    return raw ? (JSON.parse(raw) as ConsoleLinkGrant) : null;
  }

  private key(code: string): string {
    return `${this.config.queuePrefix}:console-link:${hashToken(code)}`;
  }
}
