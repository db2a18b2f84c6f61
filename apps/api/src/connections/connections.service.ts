import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { pageArgs, parseSort, Prisma, PrismaService, toPage, type AwsConnection, type ConnectionMode, type Page, type PageRequest, type TransactionClient } from '@labkeys/database';
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

/** AWS connections of a tenant; every method is scoped by tenant id first. */
@Injectable()
export class ConnectionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async list(tenantId: string, page: PageRequest, sort?: string): Promise<Page<ConnectionView>> {
    const rows = await this.prisma.awsConnection.findMany({
      where: { tenantId },
      ...pageArgs(tenantId, page, parseSort<'createdAt' | 'name'>(sort, 'createdAt')),
    });
    return toPage(rows, page, view);
  }

  async get(tenantId: string, id: string): Promise<ConnectionView> {
    return view(await this.find(this.prisma, tenantId, id));
  }

  /** The row itself, for the setup and verify use cases of this module. */
  async find(db: TransactionClient | PrismaService, tenantId: string, id: string): Promise<AwsConnection> {
    const row = await db.awsConnection.findFirst({ where: { tenantId, id } });
    if (!row) throw new NotFoundException({ detail: 'AWS connection not found.' });
    return row;
  }

  async create(tenantId: string, input: CreateConnectionDto): Promise<ConnectionView> {
    this.assertValid([...roleArnProblems(input, input.accountId, input.partition), ...this.endpointProblems(input.endpointOverride)]);
    return this.prisma.$transaction(async (tx) => {
      await this.assertNameFree(tx, tenantId, input.name);
      const row = await tx.awsConnection.create({
        data: {
          tenantId,
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
      });
      const { externalId: _e, ...summary } = view(row);
      await this.audit.record(tx, tenantId, { action: 'connection.created', subjectType: 'connection', subjectId: row.id, summary: JSON.parse(JSON.stringify(summary)) });
      return view(row);
    });
  }

  async update(tenantId: string, id: string, input: UpdateConnectionDto): Promise<ConnectionView> {
    return this.prisma.$transaction(async (tx) => {
      const current = await this.find(tx, tenantId, id);
      this.assertValid([...roleArnProblems(input, current.accountId, current.partition), ...this.endpointProblems(input.endpointOverride)]);
      if (input.name !== undefined && input.name !== current.name) await this.assertNameFree(tx, tenantId, input.name);
      // What the last verification learned no longer holds once the role, the endpoint or the region changes.
      const changed = (['region', 'labRoleArn', 'managementRoleArn', 'endpointOverride'] as const).some(
        (field) => input[field] !== undefined && input[field] !== current[field],
      );
      const row = await tx.awsConnection.update({
        where: { tenantId_id: { tenantId, id } },
        data: {
          name: input.name,
          region: input.region,
          labRoleArn: input.labRoleArn,
          managementRoleArn: input.managementRoleArn,
          endpointOverride: input.endpointOverride,
          ...(changed && { maxSessionSeconds: null, roleChaining: null, verifiedAt: null, lastVerifiedAt: null, lastVerifyOk: null, lastVerifyFailures: Prisma.DbNull }),
        },
      });
      await this.audit.record(tx, tenantId, { action: 'connection.updated', subjectType: 'connection', subjectId: id, summary: { ...input, verificationReset: changed } });
      return view(row);
    });
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.find(tx, tenantId, id);
      const templates = await tx.roleTemplate.count({ where: { tenantId, connectionId: id } });
      if (templates > 0) throw new ConflictException({ detail: `${templates} role template(s) use this connection; delete them first.` });
      await tx.awsConnection.delete({ where: { tenantId_id: { tenantId, id } } });
      await this.audit.record(tx, tenantId, { action: 'connection.deleted', subjectType: 'connection', subjectId: id, summary: { name: current.name, accountId: current.accountId } });
    });
  }

  private async assertNameFree(tx: TransactionClient, tenantId: string, name: string): Promise<void> {
    const clash = await tx.awsConnection.findUnique({ where: { tenantId_name: { tenantId, name } } });
    if (clash) throw new ConflictException({ detail: 'A connection with this name already exists.', field: 'name' });
  }

  // Production talks to real AWS only: an override would let a tenant point LabKeys' signed calls anywhere.
  private endpointProblems(endpoint: string | null | undefined): FieldProblem[] {
    if (!endpoint || !this.config.isProduction) return [];
    return [{ field: 'endpointOverride', message: 'Endpoint overrides are for local development and tests; production uses real AWS' }];
  }

  private assertValid(problems: FieldProblem[]): void {
    if (problems.length > 0) throw new ValidationProblemException(problems);
  }
}
