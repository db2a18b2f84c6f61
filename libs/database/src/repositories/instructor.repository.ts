import { Injectable } from '@nestjs/common';
import type { Instructor } from '../generated/prisma/client';
import type { InstructorRole } from '../generated/prisma/enums';
import { pageArgs, parseSort, toPage, type Page, type PageRequest } from '../pagination';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

export interface NewInstructor {
  email: string;
  name: string | null;
  role: InstructorRole;
}

export interface InstructorChanges {
  name?: string | null;
  role?: InstructorRole;
  disabledAt?: Date | null;
}

/** Instructors of a tenant (owners, instructors, assistants); uniqueness of email is per tenant. */
@Injectable()
export class InstructorRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(
    scope: TenantScope,
    page: PageRequest,
    filter: { role?: InstructorRole; sort?: string },
  ): Promise<Page<Instructor>> {
    const { tenantId } = scope;
    return this.prisma.instructor
      .findMany({
        where: { tenantId, role: filter.role },
        ...pageArgs(tenantId, page, parseSort<'createdAt' | 'email'>(filter.sort, 'createdAt')),
      })
      .then((rows) => toPage(rows, page));
  }

  findById(scope: TenantScope, id: string, tx?: Tx): Promise<Instructor | null> {
    return clientOf(this.prisma, tx).instructor.findFirst({ where: { tenantId: scope.tenantId, id } });
  }

  findByEmail(scope: TenantScope, email: string, tx?: Tx): Promise<Instructor | null> {
    return clientOf(this.prisma, tx).instructor.findUnique({
      where: { tenantId_email: { tenantId: scope.tenantId, email } },
    });
  }

  create(scope: TenantScope, input: NewInstructor, tx?: Tx): Promise<Instructor> {
    return clientOf(this.prisma, tx).instructor.create({ data: { tenantId: scope.tenantId, ...input } });
  }

  update(scope: TenantScope, id: string, changes: InstructorChanges, tx?: Tx): Promise<Instructor> {
    return clientOf(this.prisma, tx).instructor.update({
      where: { tenantId_id: { tenantId: scope.tenantId, id } },
      data: changes,
    });
  }

  countActiveOwners(scope: TenantScope, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).instructor.count({
      where: { tenantId: scope.tenantId, role: 'OWNER', disabledAt: null },
    });
  }

  async setName(scope: TenantScope, id: string, name: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).instructor.updateMany({ where: { tenantId: scope.tenantId, id }, data: { name } });
  }
}
