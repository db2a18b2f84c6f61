import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  EntityAlreadyExistsException,
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startAwsLocal } from '@labkeys/aws-local';
import type { AwsLocal } from '@labkeys/aws-local';
import { ACCOUNT, iamClient, sdkError, startTestAwsLocal, testWorld } from './support/aws-local-harness';
import { TestIssuer } from './support/test-issuer';
import { webIdentityTrust } from './support/web-identity-world';

const codeOf = (e: unknown): string => (e as { Code: string }).Code;
const LIMITED = { accessKeyId: 'AKIALIMITEDEXAMPLE01', secretAccessKey: 'limitedSecretKeyExample0000000000000000/' };
const THUMBPRINT = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

describe('IAM OpenID Connect providers (aws-local through @aws-sdk/client-iam)', () => {
  let aws: AwsLocal;
  beforeEach(async () => {
    aws = await startTestAwsLocal();
  });
  afterEach(() => aws.close());

  it('creates, reads, lists and deletes a provider as IAM does', async () => {
    const iam = iamClient(aws);
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://labkeys.example.edu/oidc',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: [THUMBPRINT],
        Tags: [{ Key: 'app', Value: 'labkeys' }],
      }),
    );
    const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/labkeys.example.edu/oidc`;
    expect(created.OpenIDConnectProviderArn).toBe(arn);
    expect(created.Tags).toEqual([{ Key: 'app', Value: 'labkeys' }]);
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(got).toMatchObject({
      Url: 'labkeys.example.edu/oidc',
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: [THUMBPRINT],
      Tags: [{ Key: 'app', Value: 'labkeys' }],
    });
    expect(got.CreateDate).toBeInstanceOf(Date);
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([
      { Arn: arn },
    ]);

    const duplicate = await sdkError(
      iam.send(
        new CreateOpenIDConnectProviderCommand({ Url: 'https://labkeys.example.edu/oidc/', ClientIDList: ['x'] }),
      ),
    );
    expect(duplicate).toBeInstanceOf(EntityAlreadyExistsException);
    expect(duplicate.$metadata.httpStatusCode).toBe(409);
    expect(duplicate.message).toBe('Provider with url https://labkeys.example.edu/oidc already exists.');

    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([]);
    for (const call of [
      iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
      iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
    ]) {
      const missing = await sdkError(call);
      expect(missing).toBeInstanceOf(NoSuchEntityException);
      expect(missing.$metadata.httpStatusCode).toBe(404);
      expect(missing.message).toBe(`OpenIDConnect Provider not found for arn ${arn}`);
    }
  });

  it('accepts https URLs, and http only for 127.0.0.1 and localhost', async () => {
    const iam = iamClient(aws);
    const local = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'http://127.0.0.1:4010/oidc',
        ClientIDList: ['sts.amazonaws.com'],
      }),
    );
    expect(local.OpenIDConnectProviderArn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/127.0.0.1:4010/oidc`);
    for (const url of [
      'http://labkeys.example.edu',
      'ftp://labkeys.example.edu',
      'labkeys.example.edu',
      'https://a.example/?q=1',
    ]) {
      const e = await sdkError(
        iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['sts.amazonaws.com'] })),
      );
      expect(codeOf(e)).toBe('InvalidInput');
      expect(e.$metadata.httpStatusCode).toBe(400);
    }
    const missingUrl = await sdkError(iam.send(new CreateOpenIDConnectProviderCommand({ Url: undefined })));
    expect(missingUrl.message).toBe(
      "1 validation error detected: Value null at 'url' failed to satisfy constraint: Member must not be null",
    );
    const badThumbprint = await sdkError(
      iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://b.example', ThumbprintList: ['abc'] })),
    );
    expect(badThumbprint.message).toContain(
      "Value 'abc' at 'thumbprintList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 40",
    );
    const tooManyThumbprints = await sdkError(
      iam.send(
        new CreateOpenIDConnectProviderCommand({
          Url: 'https://c.example',
          ThumbprintList: Array.from({ length: 6 }, (_, i) => String(i).repeat(40)),
        }),
      ),
    );
    expect(codeOf(tooManyThumbprints)).toBe('LimitExceeded');
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toHaveLength(1);
  });

  it('authorizes each action as iam:<Action> on the provider ARN', async () => {
    const refused = await sdkError(
      iamClient(aws, LIMITED).send(
        new CreateOpenIDConnectProviderCommand({
          Url: 'https://labkeys.example.edu',
          ClientIDList: ['sts.amazonaws.com'],
        }),
      ),
    );
    expect(codeOf(refused)).toBe('AccessDenied');
    expect(refused.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/limited is not authorized to perform: iam:CreateOpenIDConnectProvider on resource: ` +
        `arn:aws:iam::${ACCOUNT}:oidc-provider/labkeys.example.edu because no identity-based policy allows the iam:CreateOpenIDConnectProvider action`,
    );
    const list = await sdkError(iamClient(aws, LIMITED).send(new ListOpenIDConnectProvidersCommand({})));
    expect(list.message).toContain('iam:ListOpenIDConnectProviders on resource: *');
  });
});

describe('a provider and role created through IAM', () => {
  it('let a token of that issuer assume the role, and deleting the provider stops it', async () => {
    const issuer = await TestIssuer.start();
    const aws = await startAwsLocal({ state: testWorld() });
    try {
      const iam = iamClient(aws);
      const { OpenIDConnectProviderArn: providerArn } = await iam.send(
        new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['sts.amazonaws.com'] }),
      );
      expect(providerArn).toBe(issuer.providerArn(ACCOUNT));
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'school-lab',
          AssumeRolePolicyDocument: JSON.stringify(webIdentityTrust(issuer.key, ['sts:AssumeRoleWithWebIdentity'])),
        }),
      );
      const sts = new STSClient({ endpoint: aws.url, region: 'us-east-1', maxAttempts: 1 });
      const input = { RoleArn: `arn:aws:iam::${ACCOUNT}:role/school-lab`, RoleSessionName: 'ann' };
      const out = await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          ...input,
          WebIdentityToken: issuer.token({ sub: 'labkeys:tenant-a:ann' }),
        }),
      );
      expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/school-lab/ann`);
      await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
      const gone = await sdkError(
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            ...input,
            WebIdentityToken: issuer.token({ sub: 'labkeys:tenant-a:ann' }),
          }),
        ),
      );
      expect(codeOf(gone)).toBe('InvalidIdentityToken');
    } finally {
      await aws.close();
      await issuer.stop();
    }
  });
});
