import { ConflictException, Injectable } from '@nestjs/common';
import {
  AwsCallError,
  LAB_ROLE_TRUST_ACTIONS,
  StsGateway,
  assumedRoleName,
  labRoleTrustPolicy,
  managementRolePolicy,
  managementRoleTrustPolicy,
  parseRoleArn,
  roleArn,
  type RoleArnParts,
} from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import { PrismaService } from '@labkeys/database';
import { renderCloudFormation, renderTerraform, type SetupDocuments } from './connection-setup.renderer';
import { ConnectionsService } from './connections.service';

const DEFAULT_LAB_ROLE = 'LabKeysLab';
const DEFAULT_MANAGEMENT_ROLE = 'LabKeysManagement';
const MANAGEMENT_POLICY_NAME = 'LabKeysRevocation';
const RECOMMENDED_MAX_SESSION = 43200;

/** What a tenant's AWS administrator creates for a connection, as JSON, Terraform and CloudFormation. */
@Injectable()
export class ConnectionSetupService {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly prisma: PrismaService,
    private readonly sts: StsGateway,
    private readonly config: AppConfig,
  ) {}

  async setup(tenantId: string, id: string) {
    const connection = await this.connections.find(this.prisma, tenantId, id);
    const principal = await this.labkeysPrincipal(connection);
    const { accountId, partition } = connection;
    const fallback = (roleName: string): RoleArnParts => ({ partition, accountId, path: '/', roleName });
    const lab = (connection.labRoleArn && parseRoleArn(connection.labRoleArn)) || fallback(DEFAULT_LAB_ROLE);
    const mgmt = (connection.managementRoleArn && parseRoleArn(connection.managementRoleArn)) || fallback(DEFAULT_MANAGEMENT_ROLE);
    const labRoleArn = roleArn(lab);
    // Revocation writes to every role the connection's templates issue on, not only the default lab role.
    const templates = await this.prisma.roleTemplate.findMany({ where: { tenantId, connectionId: id }, select: { roleArn: true } });
    const managedArns = [...new Set([labRoleArn, ...templates.map((t) => t.roleArn)])].sort();

    const documents: SetupDocuments = {
      connectionName: connection.name,
      accountId,
      labRole: { ...role(lab), trustPolicy: labRoleTrustPolicy(principal, connection.externalId), maxSessionDuration: RECOMMENDED_MAX_SESSION },
      managementRole: {
        ...role(mgmt),
        trustPolicy: managementRoleTrustPolicy(principal, connection.externalId),
        policyName: MANAGEMENT_POLICY_NAME,
        policy: managementRolePolicy(managedArns),
      },
    };
    return {
      labkeysPrincipalArn: principal,
      externalId: connection.externalId,
      labRole: {
        ...documents.labRole,
        trustedActions: [...LAB_ROLE_TRUST_ACTIONS],
        note: 'Attach the permissions students may use to this role; each session is narrowed further by the role template\'s session policy.',
      },
      managementRole: documents.managementRole,
      terraform: renderTerraform(documents),
      cloudFormation: renderCloudFormation(documents),
    };
  }

  /** LabKeys' principal: configured, or read from STS (an assumed role's path is not in its ARN; configure it then). */
  private async labkeysPrincipal(connection: { region: string; endpointOverride: string | null }): Promise<string> {
    if (this.config.awsPrincipalArn) return this.config.awsPrincipalArn;
    try {
      const me = await this.sts.callerIdentity(connection);
      const name = assumedRoleName(me.arn);
      if (!name) return me.arn;
      const partition = me.arn.split(':')[1];
      return `arn:${partition}:iam::${me.account}:role/${name}`;
    } catch (error) {
      const reason = error instanceof AwsCallError ? `${error.code}: ${error.message}` : 'STS could not be reached';
      throw new ConflictException({ detail: `LabKeys' AWS principal is not configured (LABKEYS_AWS_PRINCIPAL_ARN) and STS could not tell it (${reason}).` });
    }
  }
}

function role(p: RoleArnParts) {
  return { roleArn: roleArn(p), roleName: p.roleName, path: p.path };
}
