import { ConflictException, Injectable } from '@nestjs/common';
import { AwsCallError, IamGateway, StsGateway, parseRoleArn } from '@labkeys/aws';
import { PrismaService, type AwsConnection } from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import { ConnectionsService } from './connections.service';

interface Check {
  ok: boolean;
  code?: string;
  message?: string;
}

const VERIFY_SESSION_NAME = 'labkeys-verify';
const SHORTEST_SESSION_SECONDS = 900;

/**
 * Checks a connection the way issuance will use it: AssumeRole on the lab role with the external id, a session
 * tag and a source identity, for the shortest duration. The credentials are dropped at once, never returned.
 */
@Injectable()
export class ConnectionVerifierService {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly prisma: PrismaService,
    private readonly sts: StsGateway,
    private readonly iam: IamGateway,
    private readonly audit: AuditService,
  ) {}

  async verify(tenantId: string, id: string) {
    const connection = await this.connections.find(this.prisma, tenantId, id);
    const lab = connection.labRoleArn ? parseRoleArn(connection.labRoleArn) : null;
    if (!connection.labRoleArn || !lab) throw new ConflictException({ detail: 'Set the connection\'s labRoleArn before verifying it.', field: 'labRoleArn' });

    const identity = await settle(() => this.sts.callerIdentity(connection));
    const trust = await this.checkTrust(tenantId, connection);
    const role = await settle(() => this.iam.getRole(connection, lab.roleName));
    const maxSessionDuration = role.value?.maxSessionDuration ?? null;
    const checkedAt = new Date();
    const result = {
      trust,
      maxSessionDuration,
      ...(role.error && { maxSessionDurationNote: `IAM GetRole on the lab role was not permitted or failed (${role.error.code}: ${role.error.message}); durations are checked against 43200 s until it is.` }),
      managementRole: connection.managementRoleArn ? (role.error ? failed(role.error) : { ok: true }) : null,
      roleChaining: identity.value?.isAssumedRole ?? null,
      labkeysIdentityArn: identity.value?.arn ?? null,
      checkedAt,
    };
    await this.prisma.$transaction(async (tx) => {
      await tx.awsConnection.update({
        where: { tenantId_id: { tenantId, id } },
        data: {
          // Unknown stays unknown rather than overwriting a value an earlier check learned.
          ...(maxSessionDuration !== null && { maxSessionSeconds: maxSessionDuration }),
          ...(result.roleChaining !== null && { roleChaining: result.roleChaining }),
          verifiedAt: trust.ok ? checkedAt : null,
        },
      });
      await this.audit.record(tx, tenantId, {
        action: 'connection.verified',
        subjectType: 'connection',
        subjectId: id,
        summary: { trustOk: trust.ok, code: trust.code ?? null, maxSessionDuration, roleChaining: result.roleChaining },
      });
    });
    return result;
  }

  private async checkTrust(tenantId: string, connection: AwsConnection): Promise<Check> {
    const assumed = await settle(() =>
      this.sts.assumeRole(connection, {
        RoleArn: connection.labRoleArn!,
        RoleSessionName: VERIFY_SESSION_NAME,
        DurationSeconds: SHORTEST_SESSION_SECONDS,
        ExternalId: connection.externalId,
        Tags: [{ Key: 'labkeys:tenant', Value: tenantId }],
        SourceIdentity: VERIFY_SESSION_NAME,
      }),
    );
    return assumed.error ? failed(assumed.error) : { ok: true };
  }
}

function failed(error: AwsCallError): Check {
  return { ok: false, code: error.code, message: error.message };
}

/** The value or the classified AWS error; anything else is a bug and propagates. */
async function settle<T>(call: () => Promise<T>): Promise<{ value?: T; error?: AwsCallError }> {
  try {
    return { value: await call() };
  } catch (error) {
    if (error instanceof AwsCallError) return { error };
    throw error;
  }
}
