import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@labkeys/database';

/** A small Prisma client for arranging and inspecting rows in tests and benchmarks (never used by the apps). */
export function fixturePrisma(connectionString: string, max = 4): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}
