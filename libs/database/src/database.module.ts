import { Global, Module } from '@nestjs/common';
import { DatabaseClock } from './database-clock';
import { DatabaseHealth } from './database-health';
import { PrismaService } from './prisma.service';
import { ApiTokenRepository } from './repositories/api-token.repository';
import { AuditRepository } from './repositories/audit.repository';
import { ConnectionRepository } from './repositories/connection.repository';
import { CourseRepository } from './repositories/course.repository';
import { EnrollmentRepository } from './repositories/enrollment.repository';
import { InstructorCredentialRepository } from './repositories/instructor-credential.repository';
import { InstructorRepository } from './repositories/instructor.repository';
import { InvitationRepository } from './repositories/invitation.repository';
import { LabSessionRepository } from './repositories/lab-session.repository';
import { LabRepository } from './repositories/lab.repository';
import { MailDeliveryRepository } from './repositories/mail-delivery.repository';
import { OidcKeyRepository } from './repositories/oidc-key.repository';
import { RevocationEntryRepository } from './repositories/revocation-entry.repository';
import { StudentRepository } from './repositories/student.repository';
import { TemplateRepository } from './repositories/template.repository';
import { StudentWebSessionRepository } from './repositories/student-web-session.repository';
import { TenantRepository } from './repositories/tenant.repository';
import { WebSessionRepository } from './repositories/web-session.repository';
import { OperationsRepository } from './repositories/operations.repository';
import { IdentityProviderRepository } from './repositories/identity-provider.repository';
import { SsoAttemptRepository } from './repositories/sso-attempt.repository';
import { StudentSsoSessionRepository } from './repositories/student-sso-session.repository';
import { UnitOfWork } from './unit-of-work';

/** Tenants, their people and catalogue (courses, rosters, templates, connections), audit and OIDC keys. */
const CATALOGUE_REPOSITORIES = [
  TenantRepository,
  InstructorRepository,
  ApiTokenRepository,
  CourseRepository,
  StudentRepository,
  EnrollmentRepository,
  TemplateRepository,
  ConnectionRepository,
  AuditRepository,
  OidcKeyRepository,
];

/** Sign-in: dashboard and student page sessions, passwords and TOTP, invitations, school identity providers. */
const IDENTITY_REPOSITORIES = [
  WebSessionRepository,
  InstructorCredentialRepository,
  InvitationRepository,
  StudentWebSessionRepository,
  IdentityProviderRepository,
  SsoAttemptRepository,
  StudentSsoSessionRepository,
];

/** Labs and their sessions, revocation entries and mail deliveries. */
const LAB_REPOSITORIES = [LabRepository, LabSessionRepository, RevocationEntryRepository, MailDeliveryRepository];

@Global()
@Module({
  providers: [
    PrismaService,
    UnitOfWork,
    DatabaseClock,
    DatabaseHealth,
    ...CATALOGUE_REPOSITORIES,
    ...LAB_REPOSITORIES,
    ...IDENTITY_REPOSITORIES,
    OperationsRepository,
  ],
  exports: [
    PrismaService,
    UnitOfWork,
    DatabaseClock,
    DatabaseHealth,
    ...CATALOGUE_REPOSITORIES,
    ...LAB_REPOSITORIES,
    ...IDENTITY_REPOSITORIES,
    OperationsRepository,
  ],
})
export class DatabaseModule {}
