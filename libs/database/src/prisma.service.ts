import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolConfig } from 'pg';
import { AppConfig } from '@labkeys/config';
import { PrismaClient } from './generated/prisma/client';

/**
 * The one Prisma client of a process, over node-postgres (no native engine).
 * Pool size and acquire timeout are explicit so a burst of jobs waits a bounded
 * time for a connection instead of piling up; every statement is bounded too.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);

  /** The node-postgres pool under the client; read for its connection counts only. */
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    const pool = new Pool(poolConfig(config));
    super({
      adapter: new PrismaPg(pool, { disposeExternalPool: true }),
      // Prisma's own defaults (2 s to start, 5 s to finish) are shorter than the pool's acquire and statement
      // timeouts, so a busy pool failed transactions that the same statements outside one would have waited out.
      transactionOptions: { maxWait: config.databaseAcquireTimeoutMs, timeout: config.databaseStatementTimeoutMs },
    });
    this.pool = pool;
  }

  /** Connections of this process's pool: open, idle, and requests waiting for one. */
  poolStats(): { total: number; idle: number; waiting: number; max: number } {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
      max: this.pool.options.max ?? 10,
    };
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  // The last shutdown phase, not onModuleDestroy: queue workers and HTTP requests still finishing in
  // beforeApplicationShutdown need the pool (a job that got credentials from AWS must still record them).
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    this.logger.log('database pool closed');
  }

  /** Liveness of the database, bounded by a timeout so /health answers promptly. */
  async ping(timeoutMs = 2000): Promise<void> {
    await withTimeout(this.$queryRawUnsafe('SELECT 1'), timeoutMs, 'database ping timed out');
  }
}

/**
 * @prisma/adapter-pg hands this object to `new pg.Pool()` as is, so node-postgres' own options apply:
 * statement_timeout is sent as a startup parameter (Postgres cancels the statement), query_timeout makes
 * the client give up on a server that stopped answering, and TCP keepalive finds a dead peer (a failed-over
 * database, a dropped NAT entry) instead of waiting on the socket forever.
 */
export function poolConfig(config: AppConfig): PoolConfig {
  return {
    connectionString: config.databaseUrl,
    max: config.databasePoolSize,
    connectionTimeoutMillis: config.databaseAcquireTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: config.databaseStatementTimeoutMs,
    query_timeout: config.databaseStatementTimeoutMs + 5_000,
    // A transaction left open by a crashed request would hold its row locks until the pool recycles it.
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'labkeys',
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
