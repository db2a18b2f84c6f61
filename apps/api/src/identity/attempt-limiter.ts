import { createHash } from 'node:crypto';
import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '@labkeys/config';
import { withTimeout } from '@labkeys/database';
import { ApiRedis } from '../common/api-redis';

/** What failed attempts are counted against: an email (all tenants), a client address, or one instructor's codes. */
export type AttemptBucket =
  | { kind: 'account'; email: string }
  | { kind: 'address'; ip: string }
  | { kind: 'mfa'; tenantId: string; instructorId: string };

/**
 * Failed sign-ins and MFA codes, in fixed windows in Redis (shared by every replica). Unlike API tokens, a
 * password or a 6-digit code can be guessed, so once a bucket is over its limit every attempt is refused —
 * a right guess too — until the window ends. When Redis does not answer, attempts are let through (and logged).
 */
@Injectable()
export class AttemptLimiter {
  private readonly logger = new Logger(AttemptLimiter.name);

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly redis: ApiRedis,
    private readonly config: AppConfig,
  ) {}

  /** Throws 429 when any bucket is over its limit. */
  async assertAllowed(buckets: AttemptBucket[]): Promise<void> {
    let counts: (string | null)[];
    let ttls: number[];
    try {
      const keys = buckets.map((bucket) => this.key(bucket));
      counts = await withTimeout(this.redis.client.mget(...keys), 500, 'attempt limiter timed out');
      ttls = await withTimeout(
        Promise.all(keys.map((key) => this.redis.client.pttl(key))),
        500,
        'attempt limiter timed out',
      );
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'attempt limiter unavailable; allowing attempt');
      return;
    }
    const over = buckets.map((bucket, i) =>
      Number(counts[i] ?? 0) >= this.limit(bucket) ? Math.max(1, Math.ceil(ttls[i] / 1000)) : 0,
    );
    const retryAfterSeconds = Math.max(...over);
    if (retryAfterSeconds > 0) {
      throw new HttpException(
        { detail: 'Too many failed attempts; try again later.', retryAfterSeconds },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  async recordFailure(buckets: AttemptBucket[]): Promise<void> {
    const windowMs = this.config.signInFailureWindowMs;
    await Promise.all(
      buckets.map((bucket) =>
        this.storage.increment(this.key(bucket), windowMs, this.limit(bucket), 0, `attempt-${bucket.kind}`),
      ),
    );
  }

  private limit(bucket: AttemptBucket): number {
    if (bucket.kind === 'account') return this.config.signInAccountFailureLimit;
    if (bucket.kind === 'address') return this.config.signInAddressFailureLimit;
    return this.config.mfaCodeFailureLimit;
  }

  private key(bucket: AttemptBucket): string {
    // Digests, never an email, go into keys.
    const source =
      bucket.kind === 'account'
        ? createHash('sha256').update(bucket.email).digest('hex').slice(0, 32)
        : bucket.kind === 'address'
          ? bucket.ip
          : `${bucket.tenantId}:${bucket.instructorId}`;
    return `${this.config.queuePrefix}:rl:attempt:${bucket.kind}:${source}`;
  }
}
