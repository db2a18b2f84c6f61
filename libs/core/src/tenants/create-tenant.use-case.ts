import type {
  ApiTokenRepository,
  AuditRepository,
  InstructorRepository,
  TenantRepository,
  UnitOfWork,
} from '@labkeys/database';
import { ValidationError } from '../errors/domain-errors';
import { issueApiToken } from './api-tokens';

export interface CreatedTenant {
  tenantId: string;
  ownerId: string;
  ownerToken: string;
}

/** What creating a tenant writes to. */
export interface TenantStores {
  uow: UnitOfWork;
  tenants: TenantRepository;
  instructors: InstructorRepository;
  apiTokens: ApiTokenRepository;
  audit: AuditRepository;
}

/** A tenant, its owner and the owner's first API token, in one transaction. */
export async function createTenant(
  db: TenantStores,
  input: { name: string; ownerEmail: string; ownerName?: string },
): Promise<CreatedTenant> {
  const name = input.name.trim();
  const email = input.ownerEmail.trim().toLowerCase();
  const problems = [
    ...(!name || name.length > 200 ? [{ field: 'name', message: 'tenant name must be 1-200 characters' }] : []),
    ...(!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
      ? [{ field: 'ownerEmail', message: 'owner email is not an email address' }]
      : []),
  ];
  if (problems.length > 0) throw new ValidationError(problems, problems.map((p) => p.message).join('; '));
  return db.uow.run(async (tx) => {
    const tenant = await db.tenants.systemCreate(name, tx);
    const owner = await db.instructors.create(
      tenant.scope,
      { email, name: input.ownerName ?? null, role: 'OWNER' },
      tx,
    );
    const token = await issueApiToken(db.apiTokens, tenant.scope, owner.id, 'owner (created by admin CLI)', null, tx);
    await db.audit.record(
      tenant.scope,
      {
        actorType: 'system',
        action: 'tenant.created',
        subjectType: 'tenant',
        subjectId: tenant.id,
        summary: { name, ownerId: owner.id },
      },
      tx,
    );
    return { tenantId: tenant.id, ownerId: owner.id, ownerToken: token.token };
  });
}
