import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';

/** What the school's AWS admin does with LabKeys' `/setup` answer: create the two roles (here in aws-local). */
export async function createRolesFromSetup(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  setup: {
    labRole: { roleName: string; path: string; trustPolicy: unknown; maxSessionDuration: number };
    managementRole: { roleName: string; path: string; trustPolicy: unknown; policyName: string; policy: unknown };
  },
): Promise<void> {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials });
  const { labRole, managementRole } = setup;
  await iam.send(
    new CreateRoleCommand({
      RoleName: labRole.roleName,
      Path: labRole.path,
      AssumeRolePolicyDocument: JSON.stringify(labRole.trustPolicy),
      MaxSessionDuration: labRole.maxSessionDuration,
    }),
  );
  // What students may do at most; each session is narrowed further by the template's session policy.
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: labRole.roleName,
      PolicyName: 'lab-permissions',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: '*' }],
      }),
    }),
  );
  await iam.send(
    new CreateRoleCommand({
      RoleName: managementRole.roleName,
      Path: managementRole.path,
      AssumeRolePolicyDocument: JSON.stringify(managementRole.trustPolicy),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: managementRole.roleName,
      PolicyName: managementRole.policyName,
      PolicyDocument: JSON.stringify(managementRole.policy),
    }),
  );
  iam.destroy();
}
