import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { issueApiToken, type IssuedApiToken } from '@labkeys/core';
import {
  ApiTokenRepository,
  InstructorRepository,
  UnitOfWork,
  type ApiTokenView,
  type Instructor,
  type Page,
  type PageRequest,
  type TenantScope,
} from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import type { CreateInstructorDto, UpdateInstructorDto } from './dto/instructor.dto';

/** Instructors and their API tokens; every method is scoped by the tenant first. */
@Injectable()
export class InstructorsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly instructors: InstructorRepository,
    private readonly tokens: ApiTokenRepository,
    private readonly audit: AuditService,
  ) {}

  list(
    scope: TenantScope,
    page: PageRequest,
    filter: { role?: Instructor['role']; sort?: string },
  ): Promise<Page<Instructor>> {
    return this.instructors.list(scope, page, filter);
  }

  async get(scope: TenantScope, id: string): Promise<Instructor> {
    const row = await this.instructors.findById(scope, id);
    if (!row) throw new NotFoundException({ detail: 'Instructor not found.' });
    return row;
  }

  async create(scope: TenantScope, input: CreateInstructorDto): Promise<Instructor> {
    return this.uow.run(async (tx) => {
      const existing = await this.instructors.findByEmail(scope, input.email, tx);
      if (existing)
        throw new ConflictException({ detail: 'An instructor with this email already exists.', field: 'email' });
      const row = await this.instructors.create(
        scope,
        { email: input.email, name: input.name ?? null, role: input.role },
        tx,
      );
      await this.audit.record(
        scope,
        {
          action: 'instructor.created',
          subjectType: 'instructor',
          subjectId: row.id,
          summary: { email: row.email, role: row.role },
        },
        tx,
      );
      return row;
    });
  }

  async update(scope: TenantScope, id: string, input: UpdateInstructorDto): Promise<Instructor> {
    return this.uow.run(async (tx) => {
      const current = await this.instructors.findById(scope, id, tx);
      if (!current) throw new NotFoundException({ detail: 'Instructor not found.' });
      const demotesOwner =
        current.role === 'OWNER' && ((input.role && input.role !== 'OWNER') || input.disabled === true);
      if (demotesOwner) {
        const owners = await this.instructors.countActiveOwners(scope, tx);
        if (owners <= 1) throw new ConflictException({ detail: 'A tenant keeps at least one active owner.' });
      }
      const row = await this.instructors.update(
        scope,
        id,
        {
          name: input.name,
          role: input.role,
          disabledAt:
            input.disabled === undefined ? undefined : input.disabled ? (current.disabledAt ?? new Date()) : null,
        },
        tx,
      );
      await this.audit.record(
        scope,
        { action: 'instructor.updated', subjectType: 'instructor', subjectId: id, summary: { ...input } },
        tx,
      );
      return row;
    });
  }

  listTokens(scope: TenantScope, page: PageRequest, instructorId?: string): Promise<Page<ApiTokenView>> {
    return this.tokens.list(scope, page, instructorId);
  }

  async issueToken(scope: TenantScope, instructorId: string, name: string, expiresAt?: Date): Promise<IssuedApiToken> {
    return this.uow.run(async (tx) => {
      const instructor = await this.instructors.findById(scope, instructorId, tx);
      if (!instructor) throw new NotFoundException({ detail: 'Instructor not found.' });
      const issued = await issueApiToken(this.tokens, scope, instructorId, name, expiresAt ?? null, tx);
      await this.audit.record(
        scope,
        {
          action: 'api-token.created',
          subjectType: 'api-token',
          subjectId: issued.id,
          summary: { instructorId, name, expiresAt: expiresAt?.toISOString() ?? null },
        },
        tx,
      );
      return issued;
    });
  }

  async revokeToken(scope: TenantScope, id: string, onlyOf?: string): Promise<void> {
    await this.uow.run(async (tx) => {
      const token = await this.tokens.findById(scope, id, onlyOf, tx);
      if (!token) throw new NotFoundException({ detail: 'API token not found.' });
      if (!token.revokedAt) {
        await this.tokens.revoke(scope, id, new Date(), tx);
        await this.audit.record(
          scope,
          {
            action: 'api-token.revoked',
            subjectType: 'api-token',
            subjectId: id,
            summary: { instructorId: token.instructorId },
          },
          tx,
        );
      }
    });
  }
}
