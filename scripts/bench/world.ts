import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, type WorldStateFile } from '@labkeys/aws-local';

// The same school account as test/support/aws-world.ts schoolWorld(); test/ is outside the build, so the benches keep their copy.
export const ACCOUNT = '123456789012';
export const LAB_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/labkeys-lab`;
export const MANAGEMENT_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/labkeys-management`;
const LABKEYS_PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/admin`;

/** A lab role trusting LabKeys with the external id, and a management role allowed to edit its inline policies. */
export function benchWorld(externalIds: string[]): WorldStateFile {
  const trusted = { StringEquals: { 'sts:ExternalId': externalIds } };
  return {
    accounts: [
      {
        id: ACCOUNT,
        users: [
          {
            name: 'admin',
            accessKeys: [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY }],
            inlinePolicies: { AdministratorAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
          },
        ],
        roles: [
          {
            name: 'labkeys-lab',
            maxSessionDuration: 43200,
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: LABKEYS_PRINCIPAL }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], Condition: trusted }],
            },
            inlinePolicies: { 'lab-permissions': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
          },
          {
            name: 'labkeys-management',
            trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: LABKEYS_PRINCIPAL }, Action: 'sts:AssumeRole', Condition: trusted }] },
            inlinePolicies: {
              'manage-lab-role': {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'], Resource: LAB_ROLE_ARN }],
              },
            },
          },
        ],
      },
    ],
  };
}
