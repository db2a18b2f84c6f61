import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@labkeys/database';
import { createClassroom, type Classroom, type ClassroomOptions } from '../support/school';

export { SCOPED_POLICY } from '../support/school';
export type BenchClassroom = Classroom;

export function benchPrisma(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });
}

/** The same class the e2e tests seed (scripts/support/school.ts). */
export function seedClassroom(prisma: PrismaClient, options: ClassroomOptions): Promise<BenchClassroom> {
  return createClassroom(prisma, options);
}
