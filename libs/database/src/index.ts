export { DatabaseModule } from './database.module';
export { PrismaService, withTimeout } from './prisma.service';
export { runMigrations, MigrationError, type MigrationResult } from './migrations/migration-runner';
export { readMigrationFiles, defaultMigrationsDir, type MigrationFile } from './migrations/migration-files';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type { Tenant, AwsConnection, Instructor, ApiToken, Course, Student, Enrollment, RoleTemplate, Lab, LabSession, RevocationEntry, AuditEvent } from './generated/prisma/client';
export * from './generated/prisma/enums';
export * from './pagination';
export { transactionClientOf, type TransactionClient } from './transaction';
export { DatabaseClock } from './database-clock';
export {
  LabSessionRepository,
  LIVE_SESSION_STATES,
  type IssuedCredentials,
  type ClaimedSession,
  type NewPendingSession,
  type SessionSelector,
  type RevokedSession,
  type RevocationCover,
  type CoveredSession,
  type SealedSessionRow,
} from './repositories/lab-session.repository';
export { LabRepository, type LockedLab, type LabConnectionVerify, type LabWithContext, type NewLab, type LabChanges } from './repositories/lab.repository';
export { RevocationEntryRepository, type RevocationRole, type OpenRevocationEntry, type RevocationEntryInput } from './repositories/revocation-entry.repository';
export { MailDeliveryRepository, type NewMailDelivery } from './repositories/mail-delivery.repository';
export { tenantScopeOf, type TenantScope } from './tenant-scope';
export { UnitOfWork, type Tx, type TransactionOptions } from './unit-of-work';
