import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, startAwsLocal, type AwsLocal, type Faults, type WorldStateFile } from '@labkeys/aws-local';

export const ACCOUNT = '123456789012';
export const LAB_ROLE = 'labkeys-lab';
export const LAB_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${LAB_ROLE}`;
export const MANAGEMENT_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/labkeys-management`;
export const ADMIN_CREDENTIALS = { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY };
const LABKEYS_PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/admin`;

/** The AWS account a school sets up for LabKeys: a lab role trusting LabKeys with the external id, and a management role. */
export function schoolWorld(externalIds: string[]): WorldStateFile {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: LABKEYS_PRINCIPAL },
        Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Condition: { StringEquals: { 'sts:ExternalId': externalIds } },
      },
    ],
  };
  return {
    accounts: [
      {
        id: ACCOUNT,
        users: [
          {
            name: 'admin',
            accessKeys: [ADMIN_CREDENTIALS],
            inlinePolicies: { AdministratorAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
          },
        ],
        roles: [
          {
            name: LAB_ROLE,
            maxSessionDuration: 43200,
            trustPolicy: trust,
            inlinePolicies: { 'lab-permissions': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
          },
          {
            name: 'labkeys-management',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: LABKEYS_PRINCIPAL }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': externalIds } } }],
            },
            inlinePolicies: {
              'manage-lab-role': {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'], Resource: LAB_ROLE_ARN },
                ],
              },
            },
          },
        ],
      },
    ],
  };
}

export function startSchoolAws(externalIds: string[], faults?: Partial<Faults>): Promise<AwsLocal> {
  return startAwsLocal({ port: 0, state: schoolWorld(externalIds), faults });
}
