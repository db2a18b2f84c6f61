import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@labkeys/database';

/**
 * A small Prisma client for arranging and inspecting rows in tests and benchmarks (never used by the apps). Its
 * transactions wait for a connection and run as long as the apps' do by default (Prisma's own 2 s to start was
 * too short on a busy machine).
 */
export function fixturePrisma(connectionString: string, max = 4): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max }),
    transactionOptions: { maxWait: 10_000, timeout: 30_000 },
  });
}
