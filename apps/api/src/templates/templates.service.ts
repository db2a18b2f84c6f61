import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { effectiveMaxSessionSeconds } from '@labkeys/core';
import {
  ConnectionRepository,
  mapPage,
  TemplateRepository,
  UnitOfWork,
  type JsonInput,
  type Page,
  type PageRequest,
  type RoleTemplate,
  type TenantScope,
  type Tx,
} from '@labkeys/database';
import { validateRoleTemplate, type RoleTemplateInput, type SessionTagInput } from '@labkeys/templates';
import { AuditService } from '../audit/audit.service';
import { ValidationProblemException } from '../common/problem';
import type { CreateTemplateDto, UpdateTemplateDto } from './dto/template.dto';

export type TemplateView = Omit<RoleTemplate, 'tenantId' | 'sessionTags'> & { sessionTags: SessionTagInput[] };
const view = ({ tenantId: _t, sessionTags, ...rest }: RoleTemplate): TemplateView => ({
  ...rest,
  sessionTags: sessionTags as unknown as SessionTagInput[],
});

/** Role templates of a tenant; every save runs the full role-template validation against its connection. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly templates: TemplateRepository,
    private readonly connections: ConnectionRepository,
    private readonly audit: AuditService,
  ) {}

  async list(
    scope: TenantScope,
    page: PageRequest,
    filter: { connectionId?: string; sort?: string },
  ): Promise<Page<TemplateView>> {
    return mapPage(await this.templates.list(scope, filter, page), view);
  }

  async get(scope: TenantScope, id: string): Promise<TemplateView> {
    return view(await this.find(scope, id));
  }

  async find(scope: TenantScope, id: string, tx?: Tx): Promise<RoleTemplate> {
    const row = await this.templates.findById(scope, id, tx);
    if (!row) throw new NotFoundException({ detail: 'Role template not found.' });
    return row;
  }

  async create(scope: TenantScope, input: CreateTemplateDto): Promise<TemplateView> {
    const fields = toTemplateInput(input);
    return this.uow.run(async (tx) => {
      await this.validate(tx, scope, input.connectionId, fields);
      await this.assertNameFree(tx, scope, input.name);
      const row = await this.templates.create(
        scope,
        { name: input.name, connectionId: input.connectionId, ...toColumns(fields) },
        tx,
      );
      await this.audit.record(
        scope,
        {
          action: 'template.created',
          subjectType: 'template',
          subjectId: row.id,
          summary: { name: row.name, connectionId: row.connectionId, roleArn: row.roleArn },
        },
        tx,
      );
      return view(row);
    });
  }

  async update(scope: TenantScope, id: string, input: UpdateTemplateDto): Promise<TemplateView> {
    return this.uow.run(async (tx) => {
      const current = await this.find(scope, id, tx);
      const { name, connectionId, ...changes } = input;
      const merged: RoleTemplateInput = { ...toTemplateInput(view(current)), ...definedOnly(changes) };
      await this.assertRoleChangeAllowed(tx, scope, current, { roleArn: changes.roleArn, connectionId });
      await this.validate(tx, scope, connectionId ?? current.connectionId, merged);
      if (name !== undefined && name !== current.name) await this.assertNameFree(tx, scope, name);
      const row = await this.templates.update(scope, id, { name, connectionId, ...toColumns(merged) }, tx);
      await this.audit.record(
        scope,
        {
          action: 'template.updated',
          subjectType: 'template',
          subjectId: id,
          summary: { changed: Object.keys(definedOnly(input)) },
        },
        tx,
      );
      return view(row);
    });
  }

  async remove(scope: TenantScope, id: string): Promise<void> {
    await this.uow.run(async (tx) => {
      const current = await this.find(scope, id, tx);
      const labs = await this.templates.countLabs(scope, id, tx);
      if (labs > 0) throw new ConflictException({ detail: `${labs} lab(s) use this template; it cannot be deleted.` });
      await this.templates.delete(scope, id, tx);
      await this.audit.record(
        scope,
        { action: 'template.deleted', subjectType: 'template', subjectId: id, summary: { name: current.name } },
        tx,
      );
    });
  }

  /**
   * Sessions are denied on the role they were issued on, but a lab's next sessions would land on the new one
   * while instructors still see the old: moving a template to another role or connection waits until no lab
   * using it has live (or still-being-revoked) sessions.
   */
  private async assertRoleChangeAllowed(
    tx: Tx,
    scope: TenantScope,
    current: RoleTemplate,
    next: { roleArn?: string; connectionId?: string },
  ): Promise<void> {
    const changing = (['roleArn', 'connectionId'] as const).filter(
      (field) => next[field] !== undefined && next[field] !== current[field],
    );
    if (changing.length === 0) return;
    const live = await this.templates.countLiveSessions(scope, current.id, tx);
    if (live === 0) return;
    throw new ConflictException({
      detail: `${live} session(s) of labs using this template are live; end those labs before changing ${changing.join(' or ')}.`,
      field: changing[0],
      errors: changing.map((field) => ({
        field,
        message: 'cannot change while a lab using this template has live sessions',
      })),
    });
  }

  /** Another tenant's connection id reads as unknown (400 naming connectionId), never as "exists elsewhere". */
  private async validate(tx: Tx, scope: TenantScope, connectionId: string, input: RoleTemplateInput): Promise<void> {
    const connection = await this.connections.findById(scope, connectionId, tx);
    if (!connection)
      throw new ValidationProblemException([{ field: 'connectionId', message: 'No AWS connection with this id' }]);
    const violations = await validateRoleTemplate(input, {
      maxSessionDuration: effectiveMaxSessionSeconds(connection),
      accountId: connection.accountId,
      partition: connection.partition,
    });
    if (violations.length > 0) throw new ValidationProblemException(violations, 'The role template is invalid.');
  }

  private async assertNameFree(tx: Tx, scope: TenantScope, name: string): Promise<void> {
    if (await this.templates.nameTaken(scope, name, tx))
      throw new ConflictException({ detail: 'A role template with this name already exists.', field: 'name' });
  }
}

function toTemplateInput(
  input: Partial<RoleTemplateInput> & Pick<RoleTemplateInput, 'roleArn' | 'durationSeconds'>,
): RoleTemplateInput {
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
    sessionTags: (input.sessionTags ?? []).map((t) => ({ key: t.key, value: t.value })) as JsonInput,
    transitiveTagKeys: input.transitiveTagKeys ?? [],
    consoleDestination: input.consoleDestination ?? null,
    allowedRegions: input.allowedRegions ?? [],
  };
}

/** PATCH semantics: absent keys keep their value, null clears it. */
function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}
