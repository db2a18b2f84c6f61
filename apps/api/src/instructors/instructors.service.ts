import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { issueApiToken, type IssuedApiToken } from '@labkeys/core';
import { pageArgs, parseSort, PrismaService, toPage, type Instructor, type Page, type PageRequest } from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import type { CreateInstructorDto, UpdateInstructorDto } from './dto/instructor.dto';

/** Instructors and their API tokens; every method is scoped by tenant id first. */
@Injectable()
export class InstructorsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, page: PageRequest, filter: { role?: Instructor['role']; sort?: string }): Promise<Page<Instructor>> {
    const rows = await this.prisma.instructor.findMany({
      where: { tenantId, role: filter.role },
      ...pageArgs(tenantId, page, parseSort<'createdAt' | 'email'>(filter.sort, 'createdAt')),
    });
    return toPage(rows, page);
  }

  async get(tenantId: string, id: string): Promise<Instructor> {
    const row = await this.prisma.instructor.findFirst({ where: { tenantId, id } });
    if (!row) throw new NotFoundException({ detail: 'Instructor not found.' });
    return row;
  }

  async create(tenantId: string, input: CreateInstructorDto): Promise<Instructor> {
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.instructor.findUnique({ where: { tenantId_email: { tenantId, email: input.email } } });
      if (existing) throw new ConflictException({ detail: 'An instructor with this email already exists.', field: 'email' });
      const row = await tx.instructor.create({ data: { tenantId, email: input.email, name: input.name ?? null, role: input.role } });
      await this.audit.record(tx, tenantId, { action: 'instructor.created', subjectType: 'instructor', subjectId: row.id, summary: { email: row.email, role: row.role } });
      return row;
    });
  }

  async update(tenantId: string, id: string, input: UpdateInstructorDto): Promise<Instructor> {
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.instructor.findFirst({ where: { tenantId, id } });
      if (!current) throw new NotFoundException({ detail: 'Instructor not found.' });
      const demotesOwner = current.role === 'OWNER' && ((input.role && input.role !== 'OWNER') || input.disabled === true);
      if (demotesOwner) {
        const owners = await tx.instructor.count({ where: { tenantId, role: 'OWNER', disabledAt: null } });
        if (owners <= 1) throw new ConflictException({ detail: 'A tenant keeps at least one active owner.' });
      }
      const row = await tx.instructor.update({
        where: { tenantId_id: { tenantId, id } },
        data: {
          name: input.name,
          role: input.role,
          disabledAt: input.disabled === undefined ? undefined : input.disabled ? (current.disabledAt ?? new Date()) : null,
        },
      });
      await this.audit.record(tx, tenantId, { action: 'instructor.updated', subjectType: 'instructor', subjectId: id, summary: { ...input } });
      return row;
    });
  }

  async listTokens(tenantId: string, page: PageRequest, instructorId?: string) {
    const rows = await this.prisma.apiToken.findMany({
      where: { tenantId, instructorId },
      ...pageArgs(tenantId, page, parseSort<'createdAt'>('-createdAt', '-createdAt')),
    });
    return toPage(rows, page, ({ tokenHash: _hash, tenantId: _t, ...rest }) => rest);
  }

  async issueToken(tenantId: string, instructorId: string, name: string, expiresAt?: Date): Promise<IssuedApiToken> {
    return this.prisma.$transaction(async (tx) => {
      const instructor = await tx.instructor.findFirst({ where: { tenantId, id: instructorId } });
      if (!instructor) throw new NotFoundException({ detail: 'Instructor not found.' });
      const issued = await issueApiToken(tx, tenantId, instructorId, name, expiresAt ?? null);
      await this.audit.record(tx, tenantId, { action: 'api-token.created', subjectType: 'api-token', subjectId: issued.id, summary: { instructorId, name, expiresAt: expiresAt?.toISOString() ?? null } });
      return issued;
    });
  }

  async revokeToken(tenantId: string, id: string, onlyOf?: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const token = await tx.apiToken.findFirst({ where: { tenantId, id, instructorId: onlyOf } });
      if (!token) throw new NotFoundException({ detail: 'API token not found.' });
      if (!token.revokedAt) {
        await tx.apiToken.update({ where: { tenantId_id: { tenantId, id } }, data: { revokedAt: new Date() } });
        await this.audit.record(tx, tenantId, { action: 'api-token.revoked', subjectType: 'api-token', subjectId: id, summary: { instructorId: token.instructorId } });
      }
    });
  }
}
