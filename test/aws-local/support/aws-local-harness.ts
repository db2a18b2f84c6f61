import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput, Credentials } from '@aws-sdk/client-sts';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, startAwsLocal } from '@labkeys/aws-local';
import type { AwsLocal, WorldStateFile } from '@labkeys/aws-local';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ADMIN: AwsCredentials = { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY };
export const ACCOUNT = '123456789012';
export const EXTERNAL_ID = 'labkeys-test-external-id';
export const LAB_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/lab-student`;

const ADMIN_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** A world like the one the service runs against: an admin user, a lab role and a management role. */
export function testWorld(): WorldStateFile {
  const adminArn = `arn:aws:iam::${ACCOUNT}:user/admin`;
  return {
    accounts: [
      {
        id: ACCOUNT,
        users: [
          { name: 'admin', accessKeys: [ADMIN], inlinePolicies: { AdministratorAccess: ADMIN_POLICY } },
          {
            name: 'limited',
            accessKeys: [
              { accessKeyId: 'AKIALIMITEDEXAMPLE01', secretAccessKey: 'limitedSecretKeyExample0000000000000000/' },
            ],
            inlinePolicies: {
              readCallerOnly: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
              },
            },
          },
        ],
        roles: [
          {
            name: 'lab-student',
            maxSessionDuration: 43200,
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: adminArn },
                  Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
                  Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
                },
              ],
            },
            inlinePolicies: {
              'lab-permissions': {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
              },
            },
          },
          {
            name: 'plain',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
              ],
            },
            inlinePolicies: { all: ADMIN_POLICY },
          },
          {
            name: 'chained',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/plain` }, Action: 'sts:AssumeRole' },
              ],
            },
          },
        ],
        managedPolicies: [
          {
            name: 'ListStudentsPrefix',
            document: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::labs' }],
            },
          },
        ],
      },
    ],
  };
}

/** Clients never retry, so each test sees exactly the answer aws-local gave. */
const clientConfig = (url: string, credentials: AwsCredentials) => ({
  endpoint: url,
  region: 'us-east-1',
  credentials,
  maxAttempts: 1,
});

export const stsClient = (aws: AwsLocal, credentials: AwsCredentials = ADMIN): STSClient =>
  new STSClient(clientConfig(aws.url, credentials));
export const iamClient = (aws: AwsLocal, credentials: AwsCredentials = ADMIN): IAMClient =>
  new IAMClient(clientConfig(aws.url, credentials));
export const s3Client = (aws: AwsLocal, credentials: AwsCredentials = ADMIN): S3Client =>
  new S3Client({ ...clientConfig(aws.url, credentials), forcePathStyle: true });

export function toCredentials(c: Credentials | undefined): AwsCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** AssumeRole on the lab role as the admin user, with the required external id. */
export async function assumeLabRole(
  aws: AwsLocal,
  input: Partial<AssumeRoleCommandInput> = {},
  caller: AwsCredentials = ADMIN,
): Promise<AwsCredentials> {
  const out = await stsClient(aws, caller).send(
    new AssumeRoleCommand({ RoleArn: LAB_ROLE_ARN, RoleSessionName: 'student', ExternalId: EXTERNAL_ID, ...input }),
  );
  return toCredentials(out.Credentials);
}

export async function startTestAwsLocal(): Promise<AwsLocal> {
  return startAwsLocal({ state: testWorld() });
}

/** The SDK error of a failing call, so tests can assert its name, message and HTTP status. */
export async function sdkError(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (e) {
    return e as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
