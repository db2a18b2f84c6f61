import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/** Liveness of the database for /health, so the api needs no client of its own. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly prisma: PrismaService) {}

  /** Resolves when Postgres answers within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void> {
    return this.prisma.ping(timeoutMs);
  }
}
