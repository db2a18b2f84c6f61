import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '@labkeys/config';
import { tokenDisplayPrefix } from '@labkeys/secrets';

export interface FailureVerdict {
  /** Some source of this failure (its address, or its token prefix) is over the limit. */
  limited: boolean;
  retryAfterSeconds: number;
}

/**
 * Failed authentications, counted per address and per token prefix (the
 * non-secret display prefix, so one old token retried from many addresses is
 * caught too). Only failures are counted and only failing requests are
 * refused: the guard checks the token first, so a valid token from an address
 * that others have failed from (a campus NAT) always gets through.
 */
@Injectable()
export class AuthFailureLimiter {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  async recordFailure(address: string, wellFormedToken: string | undefined): Promise<FailureVerdict> {
    const limit = this.config.authFailureLimit;
    const windowMs = this.config.authFailureWindowSeconds * 1000;
    const key = (source: string) => `${this.config.queuePrefix}:rl:auth-fail:${source}`;
    const sources = [
      key(`ip:${address}`),
      ...(wellFormedToken ? [key(`tp:${tokenDisplayPrefix(wellFormedToken)}`)] : []),
    ];
    const records = await Promise.all(
      sources.map((source) => this.storage.increment(source, windowMs, limit, 0, 'auth-fail')),
    );
    const blocked = records.filter((record) => record.isBlocked);
    return {
      limited: blocked.length > 0,
      retryAfterSeconds: Math.max(1, ...blocked.map((record) => record.timeToBlockExpire)),
    };
  }
}
