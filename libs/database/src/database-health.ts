import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/** Liveness and pool use of the database for /health and /metrics, so no caller needs the client itself. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly prisma: PrismaService) {}

  /** Resolves when Postgres answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void> {
    return this.prisma.ping(timeoutMs);
  }

  /** Connections of this process' pool: open, idle, requests waiting for one, and the pool's size. */
  poolStats(): { total: number; idle: number; waiting: number; max: number } {
    return this.prisma.poolStats();
  }
}
