import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppConfig } from '@labkeys/config';
import { PrismaClient } from './generated/prisma/client';

/**
 * The one Prisma client of a process, over node-postgres (no native engine).
 * Pool size and acquire timeout are explicit so a burst of jobs waits a bounded
 * time for a connection instead of piling up.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PrismaService.name);

  constructor(config: AppConfig) {
    super({
      adapter: new PrismaPg({
        connectionString: config.databaseUrl,
        max: config.databasePoolSize,
        connectionTimeoutMillis: config.databaseAcquireTimeoutMs,
        idleTimeoutMillis: 30_000,
        application_name: 'labkeys',
      }),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    this.logger.log('database pool closed');
  }

  /** Liveness of the database, bounded by a timeout so /health answers promptly. */
  async ping(timeoutMs = 2000): Promise<void> {
    await withTimeout(this.$queryRawUnsafe('SELECT 1'), timeoutMs, 'database ping timed out');
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
