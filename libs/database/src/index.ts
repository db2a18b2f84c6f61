export { DatabaseModule } from './database.module';
export { PrismaService, withTimeout } from './prisma.service';
export { runMigrations, MigrationError, type MigrationResult } from './migrations/migration-runner';
export { readMigrationFiles, defaultMigrationsDir, type MigrationFile } from './migrations/migration-files';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type { Tenant, AwsConnection, Instructor, ApiToken, Course, Student, Enrollment, RoleTemplate, Lab, LabSession, RevocationEntry, AuditEvent } from './generated/prisma/client';
export * from './generated/prisma/enums';
export * from './pagination';
export type { TransactionClient } from './transaction';
