import {
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_SECRET_ACCESS_KEY,
  startAwsLocal,
  type AwsLocal,
  type WorldStateFile,
} from '@labkeys/aws-local';
import { AwsCallError } from './aws-call.error';
import { AwsClientsFactory } from './aws-clients.factory';
import { ConsoleLinkMinter } from './console-link.minter';
import { IamGateway } from './iam.gateway';
import { StsGateway } from './sts.gateway';
import { labRoleTrustPolicy, managementRolePolicy, managementRoleTrustPolicy } from './setup-policy.builder';

// The gateways against aws-local in-process: the real SDK, the real wire format, no mocks.
const ACCOUNT = '123456789012';
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:user/admin`;
const ADMIN = { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY };
const EXTERNAL_ID = 'lk-unit-test-external-id';
const LAB_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/LabKeysLab`;

function world(): WorldStateFile {
  const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  return {
    accounts: [
      {
        id: ACCOUNT,
        users: [{ name: 'admin', accessKeys: [ADMIN], inlinePolicies: { AdministratorAccess: allowAll } }],
        roles: [
          {
            name: 'LabKeysLab',
            maxSessionDuration: 14400,
            trustPolicy: labRoleTrustPolicy(ADMIN_ARN, EXTERNAL_ID),
            inlinePolicies: { lab: allowAll },
          },
          {
            name: 'LabKeysManagement',
            trustPolicy: managementRoleTrustPolicy(ADMIN_ARN, EXTERNAL_ID),
            inlinePolicies: { LabKeysRevocation: managementRolePolicy([LAB_ROLE_ARN]) },
          },
          {
            name: 'LabKeysService',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: ADMIN_ARN }, Action: 'sts:AssumeRole' }],
            },
            inlinePolicies: { all: allowAll },
          },
          {
            name: 'Chained',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/LabKeysService` },
                  Action: 'sts:AssumeRole',
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

describe('AWS gateways against aws-local', () => {
  let aws: AwsLocal;
  let clients: AwsClientsFactory;
  let sts: StsGateway;
  const target = () => ({
    accountId: ACCOUNT,
    region: 'us-east-1',
    partition: 'aws',
    externalId: EXTERNAL_ID,
    endpointOverride: aws.url,
  });

  beforeEach(async () => {
    aws = await startAwsLocal({ state: world() });
    clients = new AwsClientsFactory({ maxAttempts: 1, credentials: ADMIN });
    sts = new StsGateway(clients);
  });
  afterEach(async () => {
    clients.destroy();
    await aws.close();
  });

  it('assumes a role and returns credentials, expiry, the assumed role id and the packed policy size', async () => {
    const before = Date.now();
    const out = await sts.assumeRole(target(), {
      RoleArn: LAB_ROLE_ARN,
      RoleSessionName: 'lk-s-abc-12345678',
      DurationSeconds: 900,
      ExternalId: EXTERNAL_ID,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      }),
      Tags: [{ Key: 'labkeys:session', Value: 'x' }],
      SourceIdentity: 's-abc',
    });
    expect(out.accessKeyId).toMatch(/^ASIA/);
    expect(out.secretAccessKey).toBeTruthy();
    expect(out.sessionToken).toBeTruthy();
    expect(out.expiration).toBeInstanceOf(Date);
    expect(out.expiration.getTime()).toBeGreaterThanOrEqual(before + 899_000);
    expect(out.assumedRoleId).toMatch(/^AROA[A-Z2-7]+:lk-s-abc-12345678$/);
    expect(out.assumedRoleArn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/LabKeysLab/lk-s-abc-12345678`);
    expect(typeof out.packedPolicySize).toBe('number');
  });

  it("reports AWS's AccessDenied exactly, as permanent, for a wrong external id", async () => {
    const error = await sts
      .assumeRole(target(), { RoleArn: LAB_ROLE_ARN, RoleSessionName: 'x1', ExternalId: 'lk-wrong' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ code: 'AccessDenied', httpStatus: 403, retryable: false });
    expect((error as AwsCallError).message).toBe(
      `User: ${ADMIN_ARN} is not authorized to perform: sts:AssumeRole on resource: ${LAB_ROLE_ARN}`,
    );
  });

  it('classifies injected throttling as retryable and, with maxAttempts 1, makes exactly one call', async () => {
    aws.setFaults({ throttleRate: 1, actions: ['sts:AssumeRole'] });
    aws.resetCounters();
    const error = await sts
      .assumeRole(target(), { RoleArn: LAB_ROLE_ARN, RoleSessionName: 'x1', ExternalId: EXTERNAL_ID })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'Throttling', retryable: true });
    expect(aws.counters()['sts:AssumeRole']).toBe(1);
  });

  it("tells whether LabKeys' own identity is an assumed role (role chaining)", async () => {
    expect(await sts.callerIdentity(target())).toEqual({
      arn: ADMIN_ARN,
      account: ACCOUNT,
      userId: expect.any(String),
      isAssumedRole: false,
    });
    const service = await sts.assumeRole(target(), {
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/LabKeysService`,
      RoleSessionName: 'worker-1',
    });
    const chained = new AwsClientsFactory({ credentials: service });
    try {
      const me = await new StsGateway(chained).callerIdentity(target());
      expect(me).toMatchObject({
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/LabKeysService/worker-1`,
        isAssumedRole: true,
      });
    } finally {
      chained.destroy();
    }
  });

  it('manages inline policies through the management role, assuming it once for many calls', async () => {
    const iam = new IamGateway(clients, sts);
    const conn = { ...target(), managementRoleArn: `arn:aws:iam::${ACCOUNT}:role/LabKeysManagement` };
    aws.resetCounters();
    expect((await iam.getRole(conn, 'LabKeysLab')).maxSessionDuration).toBe(14400);
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    await iam.putRolePolicy(conn, 'LabKeysLab', 'labkeys-revocations', doc);
    expect(await iam.getRolePolicy(conn, 'LabKeysLab', 'labkeys-revocations')).toBe(doc);
    expect(await iam.listRolePolicies(conn, 'LabKeysLab')).toEqual(['lab', 'labkeys-revocations']);
    expect(await iam.deleteRolePolicy(conn, 'LabKeysLab', 'labkeys-revocations')).toBe(true);
    expect(await iam.deleteRolePolicy(conn, 'LabKeysLab', 'labkeys-revocations')).toBe(false);
    expect(await iam.getRolePolicy(conn, 'LabKeysLab', 'labkeys-revocations')).toBeNull();
    expect(aws.counters()['sts:AssumeRole']).toBe(1);
    // The management policy covers the lab role only.
    await expect(iam.getRole(conn, 'LabKeysService')).rejects.toMatchObject({ code: 'AccessDenied', retryable: false });
    await expect(iam.getRolePolicy(conn, 'NoSuchRole', 'x')).rejects.toMatchObject({
      code: expect.stringMatching(/AccessDenied|NoSuchEntity/),
    });
  });

  it("uses LabKeys' own identity for IAM when no management role is set", async () => {
    const iam = new IamGateway(clients, sts);
    await expect(iam.getRole(target(), 'Missing')).rejects.toMatchObject({
      code: 'NoSuchEntity',
      httpStatus: 404,
      retryable: false,
    });
    expect((await iam.getRole(target(), 'LabKeysService')).maxSessionDuration).toBe(3600);
  });

  it('mints a console link that signs in, and omits nothing AWS needs', async () => {
    const creds = await sts.assumeRole(target(), {
      RoleArn: LAB_ROLE_ARN,
      RoleSessionName: 'console',
      ExternalId: EXTERNAL_ID,
    });
    const minter = new ConsoleLinkMinter();
    const link = await minter.mint({
      partition: 'aws',
      endpointOverride: aws.url,
      credentials: creds,
      sessionDurationSeconds: 900,
      issuer: 'https://labkeys.example.edu/',
    });
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`${aws.url}/federation`);
    expect(url.searchParams.get('Action')).toBe('login');
    expect(url.searchParams.get('Issuer')).toBe('https://labkeys.example.edu/');
    expect(url.searchParams.get('Destination')).toBe(`${aws.url}/console`);
    expect(link).not.toContain(creds.secretAccessKey);
    expect(link).not.toContain(encodeURIComponent(creds.sessionToken));
    const signin = await fetch(link, { redirect: 'manual' });
    expect(signin.status).toBe(302);
    expect(signin.headers.get('location')).toContain('/console?session=');
  });

  it("reports the federation endpoint's refusal of SessionDuration for role-chained credentials", async () => {
    const service = await sts.assumeRole(target(), {
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/LabKeysService`,
      RoleSessionName: 'svc',
    });
    const chainedClients = new AwsClientsFactory({ credentials: service });
    try {
      const chained = await new StsGateway(chainedClients).assumeRole(target(), {
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/Chained`,
        RoleSessionName: 'student',
      });
      const minter = new ConsoleLinkMinter();
      const input = {
        partition: 'aws',
        endpointOverride: aws.url,
        credentials: chained,
        issuer: 'https://labkeys.example.edu/',
      };
      await expect(minter.mint({ ...input, sessionDurationSeconds: 3600 })).rejects.toMatchObject({
        code: 'FederationError',
        httpStatus: 400,
        retryable: false,
        message: 'SessionDuration is not supported for credentials obtained by role chaining.',
      });
      await expect(minter.mint(input)).resolves.toContain('SigninToken=');
    } finally {
      chainedClients.destroy();
    }
  });
});
