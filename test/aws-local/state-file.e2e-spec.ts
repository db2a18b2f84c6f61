import { join } from 'node:path';
import {
  CreateRoleCommand,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startAwsLocal } from '@labkeys/aws-local';
import type { AwsLocal } from '@labkeys/aws-local';
import { iamClient, sdkError, stsClient, testWorld, toCredentials } from './support/aws-local-harness';

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
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::123456789012:role/LabKeysManagement',
        RoleSessionName: 'labkeys',
        ExternalId: 'labkeys-demo-external-id',
      }),
    );
    const iam = iamClient(aws, toCredentials(mgmt.Credentials));
    const deny = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': 's1' } },
        },
      ],
    });
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'LabKeysStudentLab',
        PolicyName: 'labkeys-revocations',
        PolicyDocument: deny,
      }),
    );
    expect(Object.keys(aws.iam.getRole('LabKeysStudentLab')?.inlinePolicies ?? {})).toContain('labkeys-revocations');
    const refused = await sdkError(iam.send(new CreateRoleCommand({ RoleName: 'x1', AssumeRolePolicyDocument: deny })));
    expect(refused.name).toBe('AccessDenied');
    expect(refused.message).toContain('because no identity-based policy allows the iam:CreateRole action');
  });

  it('refuses a state file with an invalid policy, naming where', async () => {
    await expect(
      startAwsLocal({
        state: {
          accounts: [
            {
              id: '123456789012',
              roles: [{ name: 'r', trustPolicy: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] } }],
            },
          ],
        },
      }),
    ).rejects.toThrow('aws-local state: invalid policy at role r trust: Missing required field Principal');
  });
});

describe('OIDC providers in a state file', () => {
  it('are registered in their account as IAM reports them', async () => {
    const world = testWorld();
    world.accounts[0].oidcProviders = [
      {
        url: 'https://labkeys.example.edu/oidc',
        clientIds: ['sts.amazonaws.com'],
        thumbprints: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
      },
      { url: 'http://localhost:4010/oidc', clientIds: ['sts.amazonaws.com', 'other'] },
    ];
    const aws = await startAwsLocal({ state: world });
    try {
      const iam = iamClient(aws);
      const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
      expect(list.OpenIDConnectProviderList?.map((p) => p.Arn)).toEqual([
        'arn:aws:iam::123456789012:oidc-provider/labkeys.example.edu/oidc',
        'arn:aws:iam::123456789012:oidc-provider/localhost:4010/oidc',
      ]);
      const local = await iam.send(
        new GetOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: 'arn:aws:iam::123456789012:oidc-provider/localhost:4010/oidc',
        }),
      );
      expect(local).toMatchObject({ Url: 'localhost:4010/oidc', ClientIDList: ['sts.amazonaws.com', 'other'] });
    } finally {
      await aws.close();
    }
  });

  it('must use https, or http on a loopback host', async () => {
    await expect(
      startAwsLocal({
        state: {
          accounts: [
            {
              id: '123456789012',
              oidcProviders: [{ url: 'http://labkeys.example.edu', clientIds: ['sts.amazonaws.com'] }],
            },
          ],
        },
      }),
    ).rejects.toThrow('aws-local state: OIDC provider http://labkeys.example.edu: The URL must begin with https://');
  });
});
