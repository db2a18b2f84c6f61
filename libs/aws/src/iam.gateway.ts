import {
  DeleteRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { AwsCallError, awsCall } from './aws-call.error';
import type { AwsClientsFactory } from './aws-clients.factory';
import type { AwsConnectionTarget } from './aws-connection.types';
import { SessionIssuer } from './session-issuer';
import type { StsGateway } from './sts.gateway';
import { MANAGEMENT_SUBJECT, type WebIdentityTokenSource } from './web-identity';

export interface RoleInfo {
  roleName: string;
  roleId: string;
  arn: string;
  /** 3600–43200; AWS's default is 3600. */
  maxSessionDuration: number;
}

export interface OidcProviderInfo {
  /** As IAM answers it: without the scheme (`host/path`). */
  url: string;
  clientIds: string[];
}

export interface IamGatewayOptions {
  /** Lifetime of the management-role session; 3600 fits even role chaining and the role's default cap. */
  managementSessionSeconds?: number;
  /** The cached management credentials are renewed this long before they expire. */
  refreshMarginMs?: number;
  now?: () => number;
  /** Signs the management role's tokens on web identity connections (`labkeys:<tenant>:management`). */
  webIdentityTokens?: WebIdentityTokenSource | null;
}

interface CachedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

const MANAGEMENT_SESSION_NAME = 'labkeys-management';

/**
 * The IAM calls revocation and verification need, made as the connection's management role when one is set
 * (assumed with the connection's external id, or through AssumeRoleWithWebIdentity on a web identity
 * connection, so no AWS key is needed), or as LabKeys' own identity otherwise (assumeRole connections only).
 */
export class IamGateway {
  private readonly cache = new Map<string, Promise<CachedCredentials>>();
  private readonly sessionSeconds: number;
  private readonly marginMs: number;
  private readonly now: () => number;
  private readonly issuer: SessionIssuer;

  constructor(
    private readonly clients: AwsClientsFactory,
    sts: StsGateway,
    options: IamGatewayOptions = {},
  ) {
    this.issuer = new SessionIssuer(sts, options.webIdentityTokens ?? null);
    this.sessionSeconds = options.managementSessionSeconds ?? 3600;
    this.marginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async getRole(target: AwsConnectionTarget, roleName: string): Promise<RoleInfo> {
    const out = await this.call(target, (iam) => iam.send(new GetRoleCommand({ RoleName: roleName })));
    const role = out.Role;
    if (!role?.RoleName || !role.RoleId || !role.Arn)
      throw new AwsCallError('IncompleteResponse', 'GetRole answered without a role', null, true);
    return {
      roleName: role.RoleName,
      roleId: role.RoleId,
      arn: role.Arn,
      maxSessionDuration: role.MaxSessionDuration ?? 3600,
    };
  }

  async getOpenIdConnectProvider(target: AwsConnectionTarget, providerArn: string): Promise<OidcProviderInfo> {
    const out = await this.call(target, (iam) =>
      iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn })),
    );
    return { url: out.Url ?? '', clientIds: out.ClientIDList ?? [] };
  }

  /** The inline policy's document as JSON text, or null when the role has no policy of that name. */
  async getRolePolicy(target: AwsConnectionTarget, roleName: string, policyName: string): Promise<string | null> {
    try {
      const out = await this.call(target, (iam) =>
        iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
      );
      // IAM answers the document URL-encoded.
      return out.PolicyDocument === undefined ? null : decodeURIComponent(out.PolicyDocument);
    } catch (error) {
      if (error instanceof AwsCallError && error.code === 'NoSuchEntity' && (await this.roleExists(target, roleName)))
        return null;
      throw error;
    }
  }

  async putRolePolicy(
    target: AwsConnectionTarget,
    roleName: string,
    policyName: string,
    document: string,
  ): Promise<void> {
    await this.call(target, (iam) =>
      iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: document })),
    );
  }

  /** False when the policy was already gone, so a repeated delete is harmless. */
  async deleteRolePolicy(target: AwsConnectionTarget, roleName: string, policyName: string): Promise<boolean> {
    try {
      await this.call(target, (iam) =>
        iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
      );
      return true;
    } catch (error) {
      if (error instanceof AwsCallError && error.code === 'NoSuchEntity' && (await this.roleExists(target, roleName)))
        return false;
      throw error;
    }
  }

  async listRolePolicies(target: AwsConnectionTarget, roleName: string): Promise<string[]> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const out = await this.call(target, (iam) =>
        iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker })),
      );
      names.push(...(out.PolicyNames ?? []));
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
    return names;
  }

  // NoSuchEntity names a missing role as well as a missing policy; only the latter means "nothing there".
  private async roleExists(target: AwsConnectionTarget, roleName: string): Promise<boolean> {
    try {
      await this.getRole(target, roleName);
      return true;
    } catch (error) {
      if (error instanceof AwsCallError && error.code === 'NoSuchEntity') return false;
      throw error;
    }
  }

  private call<T>(target: AwsConnectionTarget, fn: (iam: IAMClient) => Promise<T>): Promise<T> {
    return awsCall(() => fn(this.client(target)));
  }

  private client(target: AwsConnectionTarget): IAMClient {
    if (!target.managementRoleArn && target.mode === 'WEB_IDENTITY') {
      // LabKeys holds no AWS identity of its own for such a connection: only the management role can act.
      throw new AwsCallError(
        'ManagementRoleRequired',
        'A webIdentity connection needs a managementRoleArn for IAM calls (revocation, verify).',
        null,
        false,
      );
    }
    if (!target.managementRoleArn) return this.clients.iam(target);
    const key = managementKey(target);
    return this.clients.iam(target, { key, credentials: () => this.managementCredentials(target, key) });
  }

  /** Cached until shortly before expiry; concurrent callers share one AssumeRole. */
  private async managementCredentials(target: AwsConnectionTarget, key: string): Promise<CachedCredentials> {
    const cached = this.cache.get(key);
    if (cached) {
      const creds = await cached.catch(() => null);
      if (creds && creds.expiration.getTime() - this.marginMs > this.now()) return creds;
      if (this.cache.get(key) !== cached) return this.managementCredentials(target, key);
    }
    const fresh = this.issuer
      .issue(
        target,
        {
          RoleArn: target.managementRoleArn!,
          RoleSessionName: MANAGEMENT_SESSION_NAME,
          ExternalId: target.externalId,
          DurationSeconds: this.sessionSeconds,
        },
        MANAGEMENT_SUBJECT,
      )
      .then(({ accessKeyId, secretAccessKey, sessionToken, expiration }) => ({
        accessKeyId,
        secretAccessKey,
        sessionToken,
        expiration,
      }));
    this.cache.set(key, fresh);
    fresh.catch(() => {
      if (this.cache.get(key) === fresh) this.cache.delete(key);
    });
    return fresh;
  }
}

function managementKey(target: AwsConnectionTarget): string {
  return `${target.mode ?? 'ASSUME_ROLE'}|${target.tenantId ?? ''}|${target.managementRoleArn}|${target.externalId}`;
}
