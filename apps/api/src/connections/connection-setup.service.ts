import { ConflictException, Injectable } from '@nestjs/common';
import {
  AwsCallError,
  LAB_ROLE_TRUST_ACTIONS,
  LAB_ROLE_WEB_IDENTITY_TRUST_ACTIONS,
  STS_AUDIENCE,
  StsGateway,
  assumedRoleName,
  labRoleTrustPolicy,
  labRoleWebIdentityTrustPolicy,
  managementRolePolicy,
  managementRoleTrustPolicy,
  managementRoleWebIdentityTrustPolicy,
  oidcProviderArn,
  parseRoleArn,
  roleArn,
  type RoleArnParts,
} from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import { TemplateRepository, type AwsConnection, type TenantScope } from '@labkeys/database';
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
    private readonly templates: TemplateRepository,
    private readonly sts: StsGateway,
    private readonly config: AppConfig,
  ) {}

  async setup(scope: TenantScope, id: string) {
    const { tenantId } = scope;
    const connection = await this.connections.find(scope, id);
    const webIdentity = connection.mode === 'WEB_IDENTITY';
    const { accountId, partition } = connection;
    // webIdentity: the account's IAM OIDC provider for LabKeys' issuer is the principal; no STS call, no AWS key.
    const issuer = this.config.oidcIssuerUrl;
    const principal = webIdentity
      ? oidcProviderArn(partition, accountId, issuer)
      : await this.labkeysPrincipal(connection);
    const fallback = (roleName: string): RoleArnParts => ({ partition, accountId, path: '/', roleName });
    const lab = (connection.labRoleArn && parseRoleArn(connection.labRoleArn)) || fallback(DEFAULT_LAB_ROLE);
    const mgmt =
      (connection.managementRoleArn && parseRoleArn(connection.managementRoleArn)) || fallback(DEFAULT_MANAGEMENT_ROLE);
    const labRoleArn = roleArn(lab);
    // Revocation writes to every role the connection's templates issue on, not only the default lab role.
    const managedArns = [...new Set([labRoleArn, ...(await this.templates.roleArnsOnConnection(scope, id))])].sort();

    const documents: SetupDocuments = {
      connectionName: connection.name,
      accountId,
      labRole: {
        ...role(lab),
        trustPolicy: this.labTrust(connection, principal),
        maxSessionDuration: RECOMMENDED_MAX_SESSION,
      },
      managementRole: {
        ...role(mgmt),
        trustPolicy: webIdentity
          ? managementRoleWebIdentityTrustPolicy(principal, issuer, tenantId)
          : managementRoleTrustPolicy(principal, connection.externalId),
        policyName: MANAGEMENT_POLICY_NAME,
        policy: managementRolePolicy(managedArns, webIdentity ? principal : undefined),
      },
      ...(webIdentity && { oidcProvider: { url: issuer, clientIds: [STS_AUDIENCE] } }),
    };
    return {
      mode: webIdentity ? 'webIdentity' : 'assumeRole',
      labkeysPrincipalArn: principal,
      externalId: webIdentity ? null : connection.externalId,
      ...(webIdentity && {
        oidcProvider: {
          url: issuer,
          arn: principal,
          clientIds: [STS_AUDIENCE],
          note: "Create this IAM OIDC provider in the account (IAM → Identity providers → OpenID Connect, audience sts.amazonaws.com). AWS fetches the issuer's discovery document and keys over HTTPS, so PUBLIC_URL/oidc must be publicly reachable.",
        },
      }),
      labRole: {
        ...documents.labRole,
        trustedActions: webIdentity ? [...LAB_ROLE_WEB_IDENTITY_TRUST_ACTIONS] : [...LAB_ROLE_TRUST_ACTIONS],
        note: "Attach the permissions students may use to this role; each session is narrowed further by the role template's session policy.",
      },
      managementRole: documents.managementRole,
      terraform: renderTerraform(documents),
      cloudFormation: renderCloudFormation(documents),
    };
  }

  private labTrust(connection: AwsConnection, principal: string) {
    if (connection.mode === 'WEB_IDENTITY')
      return labRoleWebIdentityTrustPolicy(principal, this.config.oidcIssuerUrl, connection.tenantId);
    return labRoleTrustPolicy(principal, connection.externalId);
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
      throw new ConflictException({
        detail: `LabKeys' AWS principal is not configured (LABKEYS_AWS_PRINCIPAL_ARN) and STS could not tell it (${reason}).`,
      });
    }
  }
}

function role(p: RoleArnParts) {
  return { roleArn: roleArn(p), roleName: p.roleName, path: p.path };
}
