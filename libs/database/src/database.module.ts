import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { AuditRepository } from './repositories/audit.repository';
import { InstructorCredentialRepository } from './repositories/instructor-credential.repository';
import { InstructorRepository } from './repositories/instructor.repository';
import { InvitationRepository } from './repositories/invitation.repository';
import { SessionRepository } from './repositories/session.repository';
import { StudentWebSessionRepository } from './repositories/student-web-session.repository';
import { TenantRepository } from './repositories/tenant.repository';
import { WebSessionRepository } from './repositories/web-session.repository';
import { UnitOfWork } from './unit-of-work';

const REPOSITORIES = [SessionRepository, WebSessionRepository, InstructorCredentialRepository, InvitationRepository, InstructorRepository, TenantRepository, AuditRepository, StudentWebSessionRepository];

@Global()
@Module({
  providers: [PrismaService, UnitOfWork, ...REPOSITORIES],
  exports: [PrismaService, UnitOfWork, ...REPOSITORIES],
})
export class DatabaseModule {}
