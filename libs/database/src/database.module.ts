import { Global, Module } from '@nestjs/common';
import { DatabaseHealth } from './database-health';
import { PrismaService } from './prisma.service';
import { ApiTokenRepository } from './repositories/api-token.repository';
import { AuditRepository } from './repositories/audit.repository';
import { ConnectionRepository } from './repositories/connection.repository';
import { CourseRepository } from './repositories/course.repository';
import { EnrollmentRepository } from './repositories/enrollment.repository';
import { InstructorRepository } from './repositories/instructor.repository';
import { OidcKeyRepository } from './repositories/oidc-key.repository';
import { SessionRepository } from './repositories/session.repository';
import { StudentRepository } from './repositories/student.repository';
import { TemplateRepository } from './repositories/template.repository';
import { TenantRepository } from './repositories/tenant.repository';
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

@Global()
@Module({
  providers: [PrismaService, UnitOfWork, SessionRepository, DatabaseHealth, ...CATALOGUE_REPOSITORIES],
  exports: [PrismaService, UnitOfWork, SessionRepository, DatabaseHealth, ...CATALOGUE_REPOSITORIES],
})
export class DatabaseModule {}
