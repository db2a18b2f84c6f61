import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { effectiveMaxSessionSeconds } from '@labkeys/core';
import { pageArgs, parseSort, PrismaService, toPage, type Page, type PageRequest, type Prisma, type RoleTemplate, type TransactionClient } from '@labkeys/database';
import { validateRoleTemplate, type RoleTemplateInput, type SessionTagInput } from '@labkeys/templates';
import { AuditService } from '../audit/audit.service';
import { ValidationProblemException } from '../common/problem';
import type { CreateTemplateDto, UpdateTemplateDto } from './dto/template.dto';

export type TemplateView = Omit<RoleTemplate, 'tenantId' | 'sessionTags'> & { sessionTags: SessionTagInput[] };
const view = ({ tenantId: _t, sessionTags, ...rest }: RoleTemplate): TemplateView => ({ ...rest, sessionTags: sessionTags as unknown as SessionTagInput[] });

/** Role templates of a tenant; every save runs the full role-template validation against its connection. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string, page: PageRequest, filter: { connectionId?: string; sort?: string }): Promise<Page<TemplateView>> {
    const rows = await this.prisma.roleTemplate.findMany({
      where: { tenantId, connectionId: filter.connectionId },
      ...pageArgs(tenantId, page, parseSort<'createdAt' | 'name'>(filter.sort, 'createdAt')),
    });
    return toPage(rows, page, view);
  }

  async get(tenantId: string, id: string): Promise<TemplateView> {
    return view(await this.find(this.prisma, tenantId, id));
  }

  async find(db: TransactionClient | PrismaService, tenantId: string, id: string): Promise<RoleTemplate> {
    const row = await db.roleTemplate.findFirst({ where: { tenantId, id } });
    if (!row) throw new NotFoundException({ detail: 'Role template not found.' });
    return row;
  }

  async create(tenantId: string, input: CreateTemplateDto): Promise<TemplateView> {
    const fields = toTemplateInput(input);
    return this.prisma.$transaction(async (tx) => {
      await this.validate(tx, tenantId, input.connectionId, fields);
      await this.assertNameFree(tx, tenantId, input.name);
      const row = await tx.roleTemplate.create({ data: { tenantId, name: input.name, connectionId: input.connectionId, ...toColumns(fields) } });
      await this.audit.record(tx, tenantId, { action: 'template.created', subjectType: 'template', subjectId: row.id, summary: { name: row.name, connectionId: row.connectionId, roleArn: row.roleArn } });
      return view(row);
    });
  }

  async update(tenantId: string, id: string, input: UpdateTemplateDto): Promise<TemplateView> {
    return this.prisma.$transaction(async (tx) => {
      const current = await this.find(tx, tenantId, id);
      const { name, connectionId, ...changes } = input;
      const merged: RoleTemplateInput = { ...toTemplateInput(view(current)), ...definedOnly(changes) };
      await this.assertRoleChangeAllowed(tx, tenantId, current, { roleArn: changes.roleArn, connectionId });
      await this.validate(tx, tenantId, connectionId ?? current.connectionId, merged);
      if (name !== undefined && name !== current.name) await this.assertNameFree(tx, tenantId, name);
      const row = await tx.roleTemplate.update({
        where: { tenantId_id: { tenantId, id } },
        data: { name, connectionId, ...toColumns(merged) },
      });
      await this.audit.record(tx, tenantId, { action: 'template.updated', subjectType: 'template', subjectId: id, summary: { changed: Object.keys(definedOnly(input)) } });
      return view(row);
    });
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.find(tx, tenantId, id);
      const labs = await tx.lab.count({ where: { tenantId, templateId: id } });
      if (labs > 0) throw new ConflictException({ detail: `${labs} lab(s) use this template; it cannot be deleted.` });
      await tx.roleTemplate.delete({ where: { tenantId_id: { tenantId, id } } });
      await this.audit.record(tx, tenantId, { action: 'template.deleted', subjectType: 'template', subjectId: id, summary: { name: current.name } });
    });
  }

  /**
   * Sessions are denied on the role they were issued on, but a lab's next sessions would land on the new one
   * while instructors still see the old: moving a template to another role or connection waits until no lab
   * using it has live (or still-being-revoked) sessions.
   */
  private async assertRoleChangeAllowed(tx: TransactionClient, tenantId: string, current: RoleTemplate, next: { roleArn?: string; connectionId?: string }): Promise<void> {
    const changing = (['roleArn', 'connectionId'] as const).filter((field) => next[field] !== undefined && next[field] !== current[field]);
    if (changing.length === 0) return;
    const live = await tx.labSession.count({ where: { tenantId, state: { in: ['PENDING', 'ISSUING', 'ACTIVE', 'REVOKING'] }, lab: { templateId: current.id } } });
    if (live === 0) return;
    throw new ConflictException({
      detail: `${live} session(s) of labs using this template are live; end those labs before changing ${changing.join(' or ')}.`,
      field: changing[0],
      errors: changing.map((field) => ({ field, message: 'cannot change while a lab using this template has live sessions' })),
    });
  }

  /** Another tenant's connection id reads as unknown (400 naming connectionId), never as "exists elsewhere". */
  private async validate(tx: TransactionClient, tenantId: string, connectionId: string, input: RoleTemplateInput): Promise<void> {
    const connection = await tx.awsConnection.findFirst({ where: { tenantId, id: connectionId } });
    if (!connection) throw new ValidationProblemException([{ field: 'connectionId', message: 'No AWS connection with this id' }]);
    const violations = await validateRoleTemplate(input, {
      maxSessionDuration: effectiveMaxSessionSeconds(connection),
      accountId: connection.accountId,
      partition: connection.partition,
    });
    if (violations.length > 0) throw new ValidationProblemException(violations, 'The role template is invalid.');
  }

  private async assertNameFree(tx: TransactionClient, tenantId: string, name: string): Promise<void> {
    const clash = await tx.roleTemplate.findUnique({ where: { tenantId_name: { tenantId, name } } });
    if (clash) throw new ConflictException({ detail: 'A role template with this name already exists.', field: 'name' });
  }
}

function toTemplateInput(input: Partial<RoleTemplateInput> & Pick<RoleTemplateInput, 'roleArn' | 'durationSeconds'>): RoleTemplateInput {
  return {
    roleArn: input.roleArn,
    sessionPolicyTemplate: input.sessionPolicyTemplate ?? null,
    managedPolicyArns: input.managedPolicyArns ?? [],
    durationSeconds: input.durationSeconds,
    sessionTags: (input.sessionTags ?? []).map((t) => ({ key: t.key, value: t.value })),
    transitiveTagKeys: input.transitiveTagKeys ?? [],
    consoleDestination: input.consoleDestination ?? null,
    allowedRegions: input.allowedRegions ?? [],
  };
}

function toColumns(input: RoleTemplateInput) {
  return {
    roleArn: input.roleArn,
    sessionPolicyTemplate: input.sessionPolicyTemplate?.trim() ? input.sessionPolicyTemplate : null,
    managedPolicyArns: input.managedPolicyArns ?? [],
    durationSeconds: input.durationSeconds,
    sessionTags: (input.sessionTags ?? []).map((t) => ({ key: t.key, value: t.value })) as Prisma.InputJsonValue,
    transitiveTagKeys: input.transitiveTagKeys ?? [],
    consoleDestination: input.consoleDestination ?? null,
    allowedRegions: input.allowedRegions ?? [],
  };
}

/** PATCH semantics: absent keys keep their value, null clears it. */
function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}
