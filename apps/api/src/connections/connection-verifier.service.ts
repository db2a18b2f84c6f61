import { ConflictException, Injectable } from '@nestjs/common';
import { IamGateway, MANAGEMENT_SUBJECT, SessionIssuer, StsGateway, oidcProviderKey, parseRoleArn } from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import {
  ConnectionRepository,
  UnitOfWork,
  type AwsConnection,
  type JsonInput,
  type TenantScope,
} from '@labkeys/database';
import { AuditService } from '../audit/audit.service';
import { ConnectionsService } from './connections.service';
import { probeExternalId, type ExternalIdProbes } from './external-id.probe';
import { probeInlinePolicyAccess, type InlinePolicyAccess } from './inline-policy.probe';
import { failed, settle, type Check, type VerifyFailure } from './verify-checks';
import { checkOidcProvider, probeOtherTenant } from './web-identity.probe';

const NOT_APPLICABLE =
  "External id probes do not apply to a webIdentity connection: its trust policy's sub condition (labkeys:<tenant id>:*) keeps other tenants out, checked by otherTenantRefused.";

const VERIFY_SESSION_NAME = 'labkeys-verify';
const SHORTEST_SESSION_SECONDS = 900;

/**
 * Checks a connection the way LabKeys will use it, and only calls it verified when it is safe to use:
 * AssumeRole on the lab role with the external id, a session tag and a source identity (what issuance does);
 * the same role refused without the external id and with a wrong one (no other tenant can use it); and the
 * management role (or LabKeys' own identity) able to rewrite the lab role's inline policies (what revocation
 * does). On a webIdentity connection every call goes through AssumeRoleWithWebIdentity with LabKeys' own tokens
 * (no AWS key), the external id probes give way to a token for another tenant that must be refused, and the
 * account's OIDC provider must exist and trust LabKeys' issuer. Credentials are dropped at once, never returned.
 * The outcome is kept on the connection: a lab cannot start on a connection whose last verify failed.
 */
@Injectable()
export class ConnectionVerifierService {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly uow: UnitOfWork,
    private readonly connectionRows: ConnectionRepository,
    private readonly sts: StsGateway,
    private readonly issuer: SessionIssuer,
    private readonly iam: IamGateway,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async verify(scope: TenantScope, id: string) {
    const { tenantId } = scope;
    const connection = await this.connections.find(scope, id);
    const lab = connection.labRoleArn ? parseRoleArn(connection.labRoleArn) : null;
    if (!connection.labRoleArn || !lab)
      throw new ConflictException({
        detail: "Set the connection's labRoleArn before verifying it.",
        field: 'labRoleArn',
      });

    const webIdentity = connection.mode === 'WEB_IDENTITY';
    // A webIdentity deployment may have no AWS identity at all: it is not asked for one.
    const identity = webIdentity ? {} : await settle(() => this.sts.callerIdentity(connection));
    const trust = await this.checkTrust(tenantId, connection);
    const externalId: ExternalIdProbes = webIdentity
      ? {
          enforced: null,
          withoutExternalId: { refused: null, message: NOT_APPLICABLE },
          wrongExternalId: { refused: null, message: NOT_APPLICABLE },
        }
      : await probeExternalId(this.sts, connection);
    const otherTenant = webIdentity ? await probeOtherTenant(this.issuer, connection) : null;
    const oidcProvider = webIdentity ? await checkOidcProvider(this.iam, connection, this.config.oidcIssuerUrl) : null;
    const management = connection.managementRoleArn ? await this.checkManagementAssume(connection) : null;
    const role = await settle(() => this.iam.getRole(connection, lab.roleName));
    const inlinePolicies =
      management?.ok === false
        ? refusedManagement(connection, management)
        : await probeInlinePolicyAccess(this.iam, connection, lab.roleName, identity.value?.arn ?? null);
    // When the management role cannot be assumed, GetRole failed for that reason alone: it is named once, as sts:AssumeRole.
    if (role.error && management?.ok !== false)
      inlinePolicies.missing.unshift({ action: 'iam:GetRole', code: role.error.code, message: role.error.message });
    inlinePolicies.ok = inlinePolicies.missing.length === 0;

    const failures = verifyFailures(trust, webIdentity ? undefined : externalId.enforced, inlinePolicies, connection);
    if (otherTenant && otherTenant.refused !== true) {
      failures.push({
        check: 'otherTenant',
        code: otherTenant.refused === false ? 'OtherTenantsAdmitted' : 'OtherTenantUnknown',
        message:
          otherTenant.refused === false
            ? `${otherTenant.message} The lab role's trust policy must require ${oidcProviderKey(this.config.oidcIssuerUrl)}:sub like labkeys:${tenantId}:* (see /setup).`
            : `AWS did not answer whether the lab role refuses other tenants' tokens (${otherTenant.code}: ${otherTenant.message}); verify again.`,
      });
    }
    if (oidcProvider && !oidcProvider.ok)
      failures.push({
        check: 'oidcProvider',
        code: oidcProvider.code ?? 'Unknown',
        message: oidcProvider.message ?? 'The OIDC provider could not be read.',
      });
    const verified = failures.length === 0;
    const maxSessionDuration = role.value?.maxSessionDuration ?? null;
    const checkedAt = new Date();
    const result = {
      verified,
      trust,
      externalIdEnforced: externalId.enforced,
      externalIdProbes: {
        withoutExternalId: externalId.withoutExternalId,
        wrongExternalId: externalId.wrongExternalId,
      },
      ...(webIdentity && {
        externalIdNote: NOT_APPLICABLE,
        otherTenantRefused: otherTenant!.refused,
        otherTenantProbe: otherTenant,
        oidcProvider,
      }),
      maxSessionDuration,
      ...(role.error && {
        maxSessionDurationNote: `IAM GetRole on the lab role was not permitted or failed (${role.error.code}: ${role.error.message}); durations are checked against 43200 s until it is.`,
      }),
      managementRole: connection.managementRoleArn ? managementCheck(management, inlinePolicies) : null,
      inlinePolicies,
      // AssumeRoleWithWebIdentity is never role chaining.
      roleChaining: webIdentity ? false : (identity.value?.isAssumedRole ?? null),
      labkeysIdentityArn: identity.value?.arn ?? null,
      failures,
      checkedAt,
    };
    await this.uow.run(async (tx) => {
      // Only the connection as it was verified: an edit of its role, endpoint or region meanwhile wins.
      const stored = await this.connectionRows.recordVerification(
        scope,
        id,
        connection,
        {
          // Unknown stays unknown rather than overwriting a value an earlier check learned.
          maxSessionSeconds: maxSessionDuration,
          roleChaining: result.roleChaining,
          verifiedAt: verified ? checkedAt : null,
          lastVerifiedAt: checkedAt,
          lastVerifyOk: verified,
          lastVerifyFailures: verified ? null : (failures as unknown as JsonInput),
        },
        tx,
      );
      if (!stored)
        throw new ConflictException({ detail: 'The connection changed while it was being verified; verify it again.' });
      await this.audit.record(
        scope,
        {
          action: 'connection.verified',
          subjectType: 'connection',
          subjectId: id,
          summary: {
            verified,
            trustOk: trust.ok,
            code: trust.code ?? null,
            externalIdEnforced: externalId.enforced,
            missing: inlinePolicies.missing.map((m) => m.action),
            maxSessionDuration,
            roleChaining: result.roleChaining,
          },
        },
        tx,
      );
    });
    return result;
  }

  private async checkTrust(tenantId: string, connection: AwsConnection): Promise<Check> {
    const assumed = await settle(() =>
      this.issuer.issue(
        connection,
        {
          RoleArn: connection.labRoleArn!,
          RoleSessionName: VERIFY_SESSION_NAME,
          DurationSeconds: SHORTEST_SESSION_SECONDS,
          ExternalId: connection.externalId,
          Tags: [{ Key: 'labkeys:tenant', Value: tenantId }],
          SourceIdentity: VERIFY_SESSION_NAME,
        },
        VERIFY_SESSION_NAME,
      ),
    );
    return assumed.error ? failed(assumed.error) : { ok: true };
  }

  /** The management role's own trust, asked apart so a refusal is named as such and not as every IAM action. */
  private async checkManagementAssume(connection: AwsConnection): Promise<Check> {
    const assumed = await settle(() =>
      this.issuer.issue(
        connection,
        {
          RoleArn: connection.managementRoleArn!,
          RoleSessionName: VERIFY_SESSION_NAME,
          DurationSeconds: SHORTEST_SESSION_SECONDS,
          ExternalId: connection.externalId,
        },
        MANAGEMENT_SUBJECT,
      ),
    );
    return assumed.error ? failed(assumed.error) : { ok: true };
  }
}

function refusedManagement(connection: AwsConnection, management: Check): InlinePolicyAccess {
  return {
    ok: false,
    principal: 'managementRole',
    principalArn: connection.managementRoleArn,
    probePolicyName: '',
    missing: [
      {
        action: 'sts:AssumeRole',
        code: management.code ?? 'Unknown',
        message: management.message ?? 'AssumeRole on the management role failed.',
      },
    ],
  };
}

/** The management role is fine only if LabKeys can assume it and it can do everything revocation does. */
function managementCheck(assume: Check | null, inline: InlinePolicyAccess): Check {
  if (assume && !assume.ok) return assume;
  const first = inline.missing[0];
  return first ? { ok: false, code: first.code, message: `${first.action}: ${first.message}` } : { ok: true };
}

/** `externalIdEnforced` undefined: not applicable (webIdentity). */
function verifyFailures(
  trust: Check,
  externalIdEnforced: boolean | null | undefined,
  inline: InlinePolicyAccess,
  connection: AwsConnection,
): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  if (!trust.ok)
    failures.push({
      check: 'trust',
      code: trust.code ?? 'Unknown',
      message: trust.message ?? 'AssumeRole on the lab role failed.',
    });
  if (externalIdEnforced === false) {
    failures.push({
      check: 'externalId',
      code: 'ExternalIdNotEnforced',
      message: `The lab role can be assumed without this connection's external id or with a wrong one; its trust policy must require sts:ExternalId = ${connection.externalId} (see /setup).`,
    });
  } else if (externalIdEnforced === null) {
    failures.push({
      check: 'externalId',
      code: 'ExternalIdUnknown',
      message: 'AWS did not answer whether the lab role requires the external id; verify again.',
    });
  }
  for (const m of inline.missing)
    failures.push({
      check: m.action === 'sts:AssumeRole' ? 'managementRole' : 'inlinePolicies',
      action: m.action,
      code: m.code,
      message: m.message,
    });
  return failures;
}
