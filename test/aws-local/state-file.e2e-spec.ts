import { join } from 'node:path';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startAwsLocal } from '@labkeys/aws-local';
import type { AwsLocal } from '@labkeys/aws-local';
import { iamClient, sdkError, stsClient, toCredentials } from './support/aws-local-harness';

const EXAMPLE = join(__dirname, '../../apps/aws-local/examples/world.json');
const LAB = 'arn:aws:iam::123456789012:role/LabKeysStudentLab';

describe('the example state file', () => {
  let aws: AwsLocal;
  beforeAll(async () => {
    aws = await startAwsLocal({ state: EXAMPLE });
  });
  afterAll(() => aws.close());

  it('declares a lab role the admin can assume with tags, source identity and the external id', async () => {
    const out = await stsClient(aws).send(
      new AssumeRoleCommand({
        RoleArn: LAB,
        RoleSessionName: 'demo-student',
        ExternalId: 'labkeys-demo-external-id',
        DurationSeconds: 43200,
        SourceIdentity: 'student-1',
        Tags: [{ Key: 'labkeys:session', Value: 's1' }],
        TransitiveTagKeys: ['labkeys:session'],
        PolicyArns: [{ arn: 'arn:aws:iam::123456789012:policy/LabKeysS3ReadOnly' }],
      }),
    );
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/LabKeysStudentLab/demo-student');
  });

  it('declares a management role that may revoke on the lab role and nothing else', async () => {
    const mgmt = await stsClient(aws).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/LabKeysManagement', RoleSessionName: 'labkeys', ExternalId: 'labkeys-demo-external-id' }),
    );
    const iam = iamClient(aws, toCredentials(mgmt.Credentials));
    const deny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': 's1' } } }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'LabKeysStudentLab', PolicyName: 'labkeys-revocations', PolicyDocument: deny }));
    expect(Object.keys(aws.iam.getRole('LabKeysStudentLab')?.inlinePolicies ?? {})).toContain('labkeys-revocations');
    const refused = await sdkError(iam.send(new CreateRoleCommand({ RoleName: 'x1', AssumeRolePolicyDocument: deny })));
    expect(refused.name).toBe('AccessDenied');
    expect(refused.message).toContain('because no identity-based policy allows the iam:CreateRole action');
  });

  it('refuses a state file with an invalid policy, naming where', async () => {
    await expect(
      startAwsLocal({ state: { accounts: [{ id: '123456789012', roles: [{ name: 'r', trustPolicy: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] } }] }] } }),
    ).rejects.toThrow('aws-local state: invalid policy at role r trust: Missing required field Principal');
  });
});
