import { Injectable } from '@nestjs/common';
import type { Instructor } from '../generated/prisma/client';
import type { InstructorRole } from '../generated/prisma/enums';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

@Injectable()
export class InstructorRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(scope: TenantScope, id: string, tx?: Tx): Promise<Instructor | null> {
    return clientOf(this.prisma, tx).instructor.findFirst({ where: { tenantId: scope.tenantId, id } });
  }

  findByEmail(scope: TenantScope, email: string, tx?: Tx): Promise<Instructor | null> {
    return clientOf(this.prisma, tx).instructor.findUnique({ where: { tenantId_email: { tenantId: scope.tenantId, email } } });
  }

  create(scope: TenantScope, input: { email: string; name: string | null; role: InstructorRole }, tx?: Tx): Promise<Instructor> {
    return clientOf(this.prisma, tx).instructor.create({ data: { tenantId: scope.tenantId, ...input } });
  }

  async setName(scope: TenantScope, id: string, name: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).instructor.updateMany({ where: { tenantId: scope.tenantId, id }, data: { name } });
  }
}
