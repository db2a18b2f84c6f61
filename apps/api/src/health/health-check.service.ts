import { Injectable } from '@nestjs/common';
import { DatabaseHealth } from '@labkeys/database';
import { RedisProbe } from './redis-probe.service';

type CheckState = 'up' | 'down';

export class HealthReport {
  status!: 'ok' | 'unavailable';
  checks!: { database: CheckState; redis: CheckState };
}

/** How long one answer is reused: a load balancer polling every replica often must not add load to the stores. */
export const HEALTH_CACHE_MS = 1000;

/**
 * Pings Postgres and Redis at most once per second per process. Callers arriving while a check runs share
 * it, and each ping is bounded by a timeout, so /health answers within about two seconds even while a store
 * hangs.
 */
@Injectable()
export class HealthCheck {
  private cached?: { report: HealthReport; at: number };
  private running?: Promise<HealthReport>;
  /** Checks run since start; lets a test see the cache at work. */
  checksRun = 0;

  constructor(
    private readonly database: DatabaseHealth,
    private readonly redis: RedisProbe,
  ) {}

  report(): Promise<HealthReport> {
    if (this.cached && Date.now() - this.cached.at < HEALTH_CACHE_MS) return Promise.resolve(this.cached.report);
    this.running ??= this.check().finally(() => (this.running = undefined));
    return this.running;
  }

  private async check(): Promise<HealthReport> {
    this.checksRun++;
    const [database, redis] = await Promise.all([state(this.database.ping()), state(this.redis.ping())]);
    const report: HealthReport = { status: database === 'up' && redis === 'up' ? 'ok' : 'unavailable', checks: { database, redis } };
    this.cached = { report, at: Date.now() };
    return report;
  }
}

function state(check: Promise<void>): Promise<CheckState> {
  return check.then(
    () => 'up',
    () => 'down',
  );
}
