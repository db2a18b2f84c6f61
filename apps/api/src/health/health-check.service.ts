import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import { StoreIndicators } from './store-indicators';

type CheckState = 'up' | 'down';

export class HealthReport {
  status!: 'ok' | 'unavailable';
  checks!: { database: CheckState; redis: CheckState };
}

/** How long one answer is reused: a load balancer polling every replica often must not add load to the stores. */
export const HEALTH_CACHE_MS = 1000;

/**
 * The api's health through @nestjs/terminus indicators (Postgres, Redis, migrations). Each answer is reused
 * for a second per process and callers arriving while a check runs share it; every indicator is bounded by
 * a timeout, so an answer comes within about two seconds even while a store hangs.
 */
@Injectable()
export class HealthCheck {
  private cached?: { report: HealthReport; at: number };
  private running?: Promise<HealthReport>;
  private readyCached?: { result: HealthCheckResult; at: number };
  private readyRunning?: Promise<HealthCheckResult>;
  /** Checks run since start; lets a test see the cache at work. */
  checksRun = 0;

  constructor(
    private readonly terminus: HealthCheckService,
    private readonly stores: StoreIndicators,
  ) {}

  /** /health: both stores answer. */
  report(): Promise<HealthReport> {
    if (this.cached && Date.now() - this.cached.at < HEALTH_CACHE_MS) return Promise.resolve(this.cached.report);
    this.running ??= this.check().finally(() => (this.running = undefined));
    return this.running;
  }

  /** /health/ready: both stores answer and every migration this build ships is applied (terminus' answer). */
  readiness(): Promise<HealthCheckResult> {
    if (this.readyCached && Date.now() - this.readyCached.at < HEALTH_CACHE_MS)
      return Promise.resolve(this.readyCached.result);
    this.readyRunning ??= run(this.terminus, [
      () => this.stores.database(),
      () => this.stores.redisStore(),
      () => this.stores.migrations(),
    ])
      .then((result) => (this.readyCached = { result, at: Date.now() }).result)
      .finally(() => (this.readyRunning = undefined));
    return this.readyRunning;
  }

  private async check(): Promise<HealthReport> {
    this.checksRun++;
    const result = await run(this.terminus, [() => this.stores.database(), () => this.stores.redisStore()]);
    const state = (key: string): CheckState => (result.details[key]?.status === 'up' ? 'up' : 'down');
    const checks = { database: state('database'), redis: state('redis') };
    const report: HealthReport = {
      status: checks.database === 'up' && checks.redis === 'up' ? 'ok' : 'unavailable',
      checks,
    };
    this.cached = { report, at: Date.now() };
    return report;
  }
}

/** Terminus' result whether healthy or not (it throws a 503 exception carrying the result when not). */
async function run(terminus: HealthCheckService, indicators: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
  try {
    return await terminus.check(indicators);
  } catch (error) {
    if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
    throw error;
  }
}
