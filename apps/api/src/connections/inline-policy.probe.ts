import { randomBytes } from 'node:crypto';
import type { IamGateway } from '@labkeys/aws';
import type { AwsConnection } from '@labkeys/database';
import { settle, type MissingAction } from './verify-checks';

export interface InlinePolicyAccess {
  ok: boolean;
  /** Whose permissions were checked: the connection's management role, or LabKeys' own identity. */
  principal: 'managementRole' | 'labkeysIdentity';
  principalArn: string | null;
  probePolicyName: string;
  /** Set when the probe policy was written but could not be deleted: it is harmless and may be removed by hand. */
  probeLeftBehind?: boolean;
  missing: MissingAction[];
}

/** Never `LabKeysRevocations-<connectionId>`, the name revocation writes. */
export const PROBE_POLICY_PREFIX = 'LabKeysVerifyProbe-';

/**
 * Revocation only works if LabKeys can rewrite the lab role's inline policies, so verify does what revocation
 * does: list the role's inline policies, put a probe policy, read it back and delete it. The probe denies only
 * sessions tagged with a value no session carries, so for the moment it exists it changes nothing. Each action
 * is tried even when an earlier one was refused (IAM authorizes before it looks the policy up), so the answer
 * names everything missing at once.
 */
export async function probeInlinePolicyAccess(
  iam: IamGateway,
  connection: AwsConnection,
  roleName: string,
  principalArn: string | null,
): Promise<InlinePolicyAccess> {
  const marker = randomBytes(6).toString('hex');
  const probePolicyName = `${PROBE_POLICY_PREFIX}${marker}`;
  const missing: MissingAction[] = [];
  const attempt = async (action: string, call: () => Promise<unknown>): Promise<boolean> => {
    const out = await settle(call);
    if (out.error) missing.push({ action, code: out.error.code, message: out.error.message });
    return !out.error;
  };
  await attempt('iam:ListRolePolicies', () => iam.listRolePolicies(connection, roleName));
  const written = await attempt('iam:PutRolePolicy', () =>
    iam.putRolePolicy(connection, roleName, probePolicyName, probeDocument(marker)),
  );
  await attempt('iam:GetRolePolicy', () => iam.getRolePolicy(connection, roleName, probePolicyName));
  const deleted = await attempt('iam:DeleteRolePolicy', () =>
    iam.deleteRolePolicy(connection, roleName, probePolicyName),
  );
  return {
    ok: missing.length === 0,
    principal: connection.managementRoleArn ? 'managementRole' : 'labkeysIdentity',
    principalArn: connection.managementRoleArn ?? principalArn,
    probePolicyName,
    ...(written && !deleted && { probeLeftBehind: true }),
    missing,
  };
}

function probeDocument(marker: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LabKeysVerifyProbe',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': `verify-probe-${marker}` } },
      },
    ],
  });
}
