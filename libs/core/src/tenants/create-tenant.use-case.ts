import type { PrismaClient } from '@labkeys/database';
import { ValidationError } from '../errors/domain-errors';
import { issueApiToken } from './api-tokens';

export interface CreatedTenant {
  tenantId: string;
  ownerId: string;
  ownerToken: string;
}

/** A tenant, its owner and the owner's first API token, in one transaction. */
export async function createTenant(prisma: PrismaClient, input: { name: string; ownerEmail: string; ownerName?: string }): Promise<CreatedTenant> {
  const name = input.name.trim();
  const email = input.ownerEmail.trim().toLowerCase();
  const problems = [
    ...(!name || name.length > 200 ? [{ field: 'name', message: 'tenant name must be 1-200 characters' }] : []),
    ...(!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? [{ field: 'ownerEmail', message: 'owner email is not an email address' }] : []),
  ];
  if (problems.length > 0) throw new ValidationError(problems, problems.map((p) => p.message).join('; '));
  return prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({ data: { name } });
    const owner = await tx.instructor.create({ data: { tenantId: tenant.id, email, name: input.ownerName ?? null, role: 'OWNER' } });
    const token = await issueApiToken(tx, tenant.id, owner.id, 'owner (created by admin CLI)');
    await tx.auditEvent.create({
      data: {
        tenantId: tenant.id,
        actorType: 'system',
        action: 'tenant.created',
        subjectType: 'tenant',
        subjectId: tenant.id,
        summary: { name, ownerId: owner.id },
      },
    });
    return { tenantId: tenant.id, ownerId: owner.id, ownerToken: token.token };
  });
}
