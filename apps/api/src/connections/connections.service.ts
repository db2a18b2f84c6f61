import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import {
  ConnectionRepository,
  jsonInputOf,
  mapPage,
  TemplateRepository,
  UnitOfWork,
  type AwsConnection,
  type ConnectionMode,
  type Page,
  type PageRequest,
  type TenantScope,
  type Tx,
} from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import { ValidationProblemException, type FieldProblem } from '../common/problem';
import { roleArnProblems } from './connection-input.validator';
import type { ConnectionModeName, CreateConnectionDto, UpdateConnectionDto } from './dto/connection.dto';
import { generateExternalId } from './external-id.util';

export type ConnectionView = Omit<AwsConnection, 'tenantId' | 'mode'> & { mode: ConnectionModeName };
const view = ({ tenantId: _t, mode, ...rest }: AwsConnection): ConnectionView => ({ ...rest, mode: modeName(mode) });

/** The API's names of the stored modes. */
export function modeName(mode: ConnectionMode): ConnectionModeName {
  return mode === 'WEB_IDENTITY' ? 'webIdentity' : 'assumeRole';
}

/** AWS connections of a tenant; every method is scoped by the tenant first. */
@Injectable()
export class ConnectionsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly connections: ConnectionRepository,
    private readonly templates: TemplateRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async list(scope: TenantScope, page: PageRequest, sort?: string): Promise<Page<ConnectionView>> {
    return mapPage(await this.connections.list(scope, page, sort), view);
  }

  async get(scope: TenantScope, id: string): Promise<ConnectionView> {
    return view(await this.find(scope, id));
  }

  /** The row itself, for the setup and verify use cases of this module. */
  async find(scope: TenantScope, id: string, tx?: Tx): Promise<AwsConnection> {
    const row = await this.connections.findById(scope, id, tx);
    if (!row) throw new NotFoundException({ detail: 'AWS connection not found.' });
    return row;
  }

  async create(scope: TenantScope, input: CreateConnectionDto): Promise<ConnectionView> {
    this.assertValid([
      ...roleArnProblems(input, input.accountId, input.partition),
      ...this.endpointProblems(input.endpointOverride),
    ]);
    return this.uow.run(async (tx) => {
      await this.assertNameFree(tx, scope, input.name);
      const row = await this.connections.create(
        scope,
        {
          name: input.name,
          accountId: input.accountId,
          region: input.region,
          partition: input.partition,
          mode: input.mode === 'webIdentity' ? 'WEB_IDENTITY' : 'ASSUME_ROLE',
          externalId: generateExternalId(),
          labRoleArn: input.labRoleArn ?? null,
          managementRoleArn: input.managementRoleArn ?? null,
          endpointOverride: input.endpointOverride ?? null,
        },
        tx,
      );
      const { externalId: _e, ...summary } = view(row);
      await this.audit.record(
        scope,
        { action: 'connection.created', subjectType: 'connection', subjectId: row.id, summary: jsonInputOf(summary) },
        tx,
      );
      return view(row);
    });
  }

  async update(scope: TenantScope, id: string, input: UpdateConnectionDto): Promise<ConnectionView> {
    return this.uow.run(async (tx) => {
      const current = await this.find(scope, id, tx);
      this.assertValid([
        ...roleArnProblems(input, current.accountId, current.partition),
        ...this.endpointProblems(input.endpointOverride),
      ]);
      if (input.name !== undefined && input.name !== current.name) await this.assertNameFree(tx, scope, input.name);
      // What the last verification learned no longer holds once the role, the endpoint or the region changes.
      const changed = (['region', 'labRoleArn', 'managementRoleArn', 'endpointOverride'] as const).some(
        (field) => input[field] !== undefined && input[field] !== current[field],
      );
      const { name, region, labRoleArn, managementRoleArn, endpointOverride } = input;
      const row = await this.connections.update(
        scope,
        id,
        { name, region, labRoleArn, managementRoleArn, endpointOverride },
        changed,
        tx,
      );
      await this.audit.record(
        scope,
        {
          action: 'connection.updated',
          subjectType: 'connection',
          subjectId: id,
          summary: { ...input, verificationReset: changed },
        },
        tx,
      );
      return view(row);
    });
  }

  async remove(scope: TenantScope, id: string): Promise<void> {
    await this.uow.run(async (tx) => {
      const current = await this.find(scope, id, tx);
      const templates = await this.templates.countOnConnection(scope, id, tx);
      if (templates > 0)
        throw new ConflictException({
          detail: `${templates} role template(s) use this connection; delete them first.`,
        });
      await this.connections.delete(scope, id, tx);
      await this.audit.record(
        scope,
        {
          action: 'connection.deleted',
          subjectType: 'connection',
          subjectId: id,
          summary: { name: current.name, accountId: current.accountId },
        },
        tx,
      );
    });
  }

  private async assertNameFree(tx: Tx, scope: TenantScope, name: string): Promise<void> {
    if (await this.connections.nameTaken(scope, name, tx))
      throw new ConflictException({ detail: 'A connection with this name already exists.', field: 'name' });
  }

  // Production talks to real AWS only: an override would let a tenant point LabKeys' signed calls anywhere.
  private endpointProblems(endpoint: string | null | undefined): FieldProblem[] {
    if (!endpoint || !this.config.isProduction) return [];
    return [
      {
        field: 'endpointOverride',
        message: 'Endpoint overrides are for local development and tests; production uses real AWS',
      },
    ];
  }

  private assertValid(problems: FieldProblem[]): void {
    if (problems.length > 0) throw new ValidationProblemException(problems);
  }
}
