import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

/**
 * Cross-tenant reads for operators: the figures metrics publish and what readiness checks. Counts only;
 * nothing here returns a row of any tenant.
 */
@Injectable()
export class OperationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The database answers (bounded by a timeout). */
  systemPing(timeoutMs = 2000): Promise<void> {
    return this.prisma.ping(timeoutMs);
  }

  /** Sessions per state over every tenant. */
  async systemCountSessionsByState(): Promise<Record<string, number>> {
    const rows = await this.prisma.$queryRaw<{ state: string; n: number }[]>`
      SELECT state::text AS state, count(*)::int AS n FROM lab_sessions GROUP BY state`;
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Revocation entries IAM has not accepted yet, over every tenant. */
  async systemCountPendingRevocations(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM revocation_entries WHERE state = 'PENDING'`;
    return row?.n ?? 0;
  }

  /** Names of the migrations recorded as finished (and not rolled back). */
  async systemAppliedMigrationNames(): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ name: string }[]>`
      SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    return rows.map((r) => r.name);
  }
}
