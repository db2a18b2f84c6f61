import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';
import type { PrismaService } from './prisma.service';
import { ApiTokenRepository } from './repositories/api-token.repository';
import { AuditRepository } from './repositories/audit.repository';
import { InstructorRepository } from './repositories/instructor.repository';
import { OidcKeyRepository } from './repositories/oidc-key.repository';
import { TenantRepository } from './repositories/tenant.repository';
import { UnitOfWork } from './unit-of-work';

/** The repositories a program without the Nest container uses: the admin CLI, test fixtures. */
export interface StandaloneDatabase {
  uow: UnitOfWork;
  tenants: TenantRepository;
  instructors: InstructorRepository;
  apiTokens: ApiTokenRepository;
  audit: AuditRepository;
  oidcKeys: OidcKeyRepository;
}

/**
 * Those repositories over a client the caller opened and closes. They use only the client's own API
 * (models, `$transaction`, raw queries), never what PrismaService adds for the Nest lifecycle.
 */
export function standaloneDatabase(client: PrismaClient): StandaloneDatabase {
  const prisma = client as PrismaService;
  return {
    uow: new UnitOfWork(prisma),
    tenants: new TenantRepository(prisma),
    instructors: new InstructorRepository(prisma),
    apiTokens: new ApiTokenRepository(prisma),
    audit: new AuditRepository(prisma),
    oidcKeys: new OidcKeyRepository(prisma),
  };
}

/** A small pool of one short-lived program's own (the admin CLI), with the repositories over it. */
export function openStandaloneDatabase(
  url: string,
  maxConnections = 2,
): StandaloneDatabase & { close(): Promise<void> } {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: maxConnections }) });
  return { ...standaloneDatabase(client), close: () => client.$disconnect() };
}
