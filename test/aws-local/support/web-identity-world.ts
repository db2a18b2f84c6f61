import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type {
  AssumeRoleWithWebIdentityCommandInput,
  AssumeRoleWithWebIdentityCommandOutput,
} from '@aws-sdk/client-sts';
import type { AwsLocal, WorldStateFile } from '@labkeys/aws-local';
import { ACCOUNT, testWorld } from './aws-local-harness';

export const WEB_LAB_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/wi-lab`;
export const WEB_NO_TAGS_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/wi-no-tags`;
export const WEB_OTHER_IDP_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/wi-other-idp`;
export const TENANT_SUBJECT_PATTERN = 'labkeys:tenant-a:*';

/** A trust policy for an OIDC provider, as a school would write it for LabKeys' issuer. */
export function webIdentityTrust(
  providerKey: string,
  actions: string[],
  subject = TENANT_SUBJECT_PATTERN,
  federated = `arn:aws:iam::${ACCOUNT}:oidc-provider/${providerKey}`,
): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: federated },
        Action: actions,
        Condition: {
          StringEquals: { [`${providerKey}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${providerKey}:sub`]: subject },
        },
      },
    ],
  };
}

const hostPath = (url: string): string => url.replace(/^https?:\/\//, '');

/**
 * The test world plus OIDC providers for the given issuers and two roles trusting the first: `wi-lab`
 * (tags and source identity allowed, S3 and role reads permitted), `wi-no-tags` (no sts:TagSession) and
 * `wi-other-idp` (conditions on the first issuer's claims, but trusting another provider).
 */
export function webIdentityWorld(issuerUrls: string[]): WorldStateFile {
  const world = testWorld();
  const account = world.accounts[0];
  const key = hostPath(issuerUrls[0]);
  account.oidcProviders = issuerUrls.map((url) => ({ url, clientIds: ['sts.amazonaws.com'] }));
  account.roles = [
    ...(account.roles ?? []),
    {
      name: 'wi-lab',
      maxSessionDuration: 7200,
      trustPolicy: webIdentityTrust(key, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity']),
      inlinePolicies: {
        lab: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:*', 'iam:GetRole'], Resource: '*' }],
        },
      },
    },
    {
      name: 'wi-no-tags',
      trustPolicy: webIdentityTrust(key, ['sts:AssumeRoleWithWebIdentity']),
      inlinePolicies: {
        lab: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      },
    },
    {
      name: 'wi-other-idp',
      trustPolicy: webIdentityTrust(
        key,
        ['sts:AssumeRoleWithWebIdentity'],
        TENANT_SUBJECT_PATTERN,
        `arn:aws:iam::${ACCOUNT}:oidc-provider/other.example`,
      ),
    },
  ];
  return world;
}

export const TAGS_CLAIM = 'https://aws.amazon.com/tags';
export const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

/** Claims of a LabKeys student token: tenant-scoped subject, session tags (session one transitive), source identity. */
export function studentClaims(session: string, sub = `labkeys:tenant-a:${session}`): Record<string, unknown> {
  return {
    sub,
    [TAGS_CLAIM]: {
      principal_tags: { 'labkeys:session': [session], 'labkeys:tenant': ['tenant-a'] },
      transitive_tag_keys: ['labkeys:session'],
    },
    [SOURCE_IDENTITY_CLAIM]: session,
  };
}

/** A client with no credentials at all: AssumeRoleWithWebIdentity must go out unsigned and still work. */
export function anonymousSts(aws: AwsLocal): STSClient {
  return new STSClient({
    endpoint: aws.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: () => Promise.reject(new Error('AssumeRoleWithWebIdentity must not need AWS credentials')),
  });
}

/** AssumeRoleWithWebIdentity on `wi-lab` (unless `input` says otherwise) with the given token, unsigned. */
export function assumeWithToken(
  aws: AwsLocal,
  token: string,
  input: Partial<AssumeRoleWithWebIdentityCommandInput> = {},
): Promise<AssumeRoleWithWebIdentityCommandOutput> {
  return anonymousSts(aws).send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: WEB_LAB_ROLE_ARN,
      RoleSessionName: 'student',
      WebIdentityToken: token,
      ...input,
    }),
  );
}
