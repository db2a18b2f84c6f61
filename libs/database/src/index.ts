export { DatabaseModule } from './database.module';
export { PrismaService, withTimeout } from './prisma.service';
export { runMigrations, MigrationError, type MigrationResult } from './migrations/migration-runner';
export { readMigrationFiles, defaultMigrationsDir, type MigrationFile } from './migrations/migration-files';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type {
  Tenant,
  AwsConnection,
  Instructor,
  ApiToken,
  Course,
  Student,
  Enrollment,
  RoleTemplate,
  Lab,
  LabSession,
  RevocationEntry,
  AuditEvent,
  OidcSigningKey,
  InstructorCredential,
  InstructorInvitation,
  IdentityProvider,
} from './generated/prisma/client';
export * from './generated/prisma/enums';
export * from './pagination';
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
  type ClassProgress,
  type CoveredSession,
  type SealedSessionRow,
} from './repositories/lab-session.repository';
export {
  LabRepository,
  type LockedLab,
  type LabConnectionVerify,
  type LabWithContext,
  type NewLab,
  type LabChanges,
} from './repositories/lab.repository';
export {
  RevocationEntryRepository,
  type RevocationRole,
  type OpenRevocationEntry,
  type RevocationEntryInput,
} from './repositories/revocation-entry.repository';
export { MailDeliveryRepository, type NewMailDelivery } from './repositories/mail-delivery.repository';
export { tenantScopeOf, type TenantScope } from './tenant-scope';
export { UnitOfWork, type Tx, type TransactionOptions } from './unit-of-work';
export { jsonInputOf, type JsonInput } from './json';
export { isRecordNotFound, isStoreUnavailable, isUniqueViolation } from './database-errors';
export { DatabaseHealth } from './database-health';
export { standaloneDatabase, openStandaloneDatabase, type StandaloneDatabase } from './standalone';
export { TenantRepository } from './repositories/tenant.repository';
export { InstructorRepository, type NewInstructor, type InstructorChanges } from './repositories/instructor.repository';
export {
  ApiTokenRepository,
  type ApiTokenView,
  type NewApiToken,
  type TokenByHash,
} from './repositories/api-token.repository';
export {
  AuditRepository,
  type AuditEventView,
  type AuditFilter,
  type NewAuditEvent,
} from './repositories/audit.repository';
export { OidcKeyRepository, type NewOidcKey } from './repositories/oidc-key.repository';
export { uuidv7 } from './uuidv7';
export {
  CourseRepository,
  type CourseFields,
  type CourseFilter,
  type CourseWithCounts,
} from './repositories/course.repository';
export {
  StudentRepository,
  type EnsuredStudents,
  type RosterStudent,
  type StudentFilter,
  type StudentWithEnrollments,
} from './repositories/student.repository';
export {
  EnrollmentRepository,
  type EnrollmentByTokenHash,
  type IssuedEnrollment,
  type RosterEntry,
} from './repositories/enrollment.repository';
export { TemplateRepository, type TemplateColumns } from './repositories/template.repository';
export {
  ConnectionRepository,
  type ConnectionChanges,
  type NewConnection,
  type VerifiedAs,
  type VerifyOutcome,
} from './repositories/connection.repository';
export {
  StudentWebSessionRepository,
  type LiveStudentWebSession,
  type NewStudentWebSession,
} from './repositories/student-web-session.repository';
export { WebSessionRepository, type LiveWebSession, type NewWebSession } from './repositories/web-session.repository';
export { InstructorCredentialRepository, type SignInCandidate } from './repositories/instructor-credential.repository';
export { InvitationRepository, type NewInvitation, type OpenInvitation } from './repositories/invitation.repository';
export { OperationsRepository } from './repositories/operations.repository';
export {
  IdentityProviderRepository,
  MAX_IDENTITY_PROVIDERS,
  type IdentityProviderChanges,
  type NewIdentityProvider,
  type PublicIdentityProvider,
} from './repositories/identity-provider.repository';
export {
  SsoAttemptRepository,
  type ClaimedSsoAttempt,
  type ExchangedCliAttempt,
  type NewSsoAttempt,
} from './repositories/sso-attempt.repository';
export {
  StudentSsoSessionRepository,
  type CurrentEnrollmentRow,
  type LiveStudentSsoSession,
  type StudentSsoSessionKind,
} from './repositories/student-sso-session.repository';
