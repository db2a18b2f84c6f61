import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { defaultMigrationsDir, OperationsRepository, readMigrationFiles, withTimeout } from '@labkeys/database';
import { RedisProbe } from './redis-probe.service';

/** Every store check is bounded: /health answers within about two seconds even while a store hangs. */
const CHECK_TIMEOUT_MS = 2000;

/** Terminus indicators of what the api needs: Postgres, Redis, and every migration it ships applied. */
@Injectable()
export class StoreIndicators {
  /** The migrations this build ships, read once. */
  private shipped?: string[];

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly operations: OperationsRepository,
    private readonly redis: RedisProbe,
  ) {}

  database() {
    return this.probe('database', () => this.operations.systemPing(CHECK_TIMEOUT_MS));
  }

  redisStore() {
    return this.probe('redis', () => this.redis.ping(CHECK_TIMEOUT_MS));
  }

  async migrations() {
    const check = this.indicators.check('migrations');
    try {
      this.shipped ??= readMigrationFiles(defaultMigrationsDir()).map((m) => m.name);
      const applied = new Set(
        await withTimeout(this.operations.systemAppliedMigrationNames(), CHECK_TIMEOUT_MS, 'migrations read timed out'),
      );
      const pending = this.shipped.filter((name) => !applied.has(name));
      return pending.length === 0 ? check.up({ applied: this.shipped.length }) : check.down({ pending });
    } catch {
      return check.down({ message: 'could not read the applied migrations' });
    }
  }

  private async probe<K extends string>(key: K, ping: () => Promise<void>) {
    const check = this.indicators.check(key);
    try {
      await withTimeout(ping(), CHECK_TIMEOUT_MS, `${key} check timed out`);
      return check.up();
    } catch {
      return check.down();
    }
  }
}
