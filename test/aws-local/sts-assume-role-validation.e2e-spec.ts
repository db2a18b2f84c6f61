import {
  AssumeRoleCommand,
  MalformedPolicyDocumentException,
  PackedPolicyTooLargeException,
} from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import type { AwsLocal } from '@labkeys/aws-local';
import {
  ACCOUNT,
  EXTERNAL_ID,
  LAB_ROLE_ARN,
  sdkError,
  startTestAwsLocal,
  stsClient,
} from './support/aws-local-harness';

const VALID: AssumeRoleCommandInput = { RoleArn: LAB_ROLE_ARN, RoleSessionName: 'student', ExternalId: EXTERNAL_ID };
const constraint = (value: string, field: string, rule: string): string =>
  `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must ${rule}`;
const s3Policy = (resource: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: resource }],
  });
const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
const long = (n: number, c = 'a'): string => c.repeat(n);

interface Case {
  name: string;
  input: Partial<AssumeRoleCommandInput>;
  code: string;
  status: number;
  message: string | RegExp;
}

const cases: Case[] = [
  {
    name: 'session name charset',
    input: { RoleSessionName: 'a:b' },
    code: 'ValidationError',
    status: 400,
    message: constraint('a:b', 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
  },
  {
    name: 'session name too short',
    input: { RoleSessionName: 'a' },
    code: 'ValidationError',
    status: 400,
    message: constraint('a', 'roleSessionName', 'have length greater than or equal to 2'),
  },
  {
    name: 'session name too long',
    input: { RoleSessionName: long(65) },
    code: 'ValidationError',
    status: 400,
    message: constraint(long(65), 'roleSessionName', 'have length less than or equal to 64'),
  },
  {
    name: 'duration below 900',
    input: { DurationSeconds: 899 },
    code: 'ValidationError',
    status: 400,
    message: constraint('899', 'durationSeconds', 'have value greater than or equal to 900'),
  },
  {
    name: 'duration above 43200',
    input: { DurationSeconds: 43201 },
    code: 'ValidationError',
    status: 400,
    message: constraint('43201', 'durationSeconds', 'have value less than or equal to 43200'),
  },
  {
    name: 'external id too short',
    input: { ExternalId: 'x' },
    code: 'ValidationError',
    status: 400,
    message: constraint('x', 'externalId', 'have length greater than or equal to 2'),
  },
  {
    name: 'external id too long',
    input: { ExternalId: long(1225) },
    code: 'ValidationError',
    status: 400,
    message: constraint(long(1225), 'externalId', 'have length less than or equal to 1224'),
  },
  {
    name: 'external id charset',
    input: { ExternalId: 'bad id!' },
    code: 'ValidationError',
    status: 400,
    message: constraint('bad id!', 'externalId', 'satisfy regular expression pattern: [\\w+=,.@:\\/-]*'),
  },
  {
    name: 'policy charset',
    input: { Policy: '{"Version":"2012-10-17","Statement":[]}\u0100' },
    code: 'ValidationError',
    status: 400,
    message:
      /at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\u0009\\u000A\\u000D\\u0020-\\u00FF\]\+$/,
  },
  {
    name: 'policy not JSON',
    input: { Policy: '{"Version":' },
    code: 'MalformedPolicyDocument',
    status: 400,
    message: 'Syntax errors in policy.',
  },
  {
    name: 'policy with a principal',
    input: {
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
      }),
    },
    code: 'MalformedPolicyDocument',
    status: 400,
    message: 'Policy document should not specify a principal.',
  },
  {
    name: 'policy without resources',
    input: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] }) },
    code: 'MalformedPolicyDocument',
    status: 400,
    message: 'Policy statement must contain resources.',
  },
  {
    name: 'policy with an unknown condition operator',
    input: {
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringSorta: { 's3:prefix': 'x' } } },
        ],
      }),
    },
    code: 'MalformedPolicyDocument',
    status: 400,
    message: 'Invalid Condition type : StringSorta',
  },
  {
    name: 'session policies over 2048 characters',
    input: { Policy: s3Policy(`arn:aws:s3:::${long(2000)}`) },
    code: 'PackedPolicyTooLarge',
    status: 400,
    message: /^Packed policy consumes 10[0-9]% of allotted space, please use smaller policy\.$/,
  },
  {
    name: 'inline and managed session policies together over 2048',
    input: {
      Policy: s3Policy(`arn:aws:s3:::${long(1900)}`),
      PolicyArns: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/ListStudentsPrefix` }],
    },
    code: 'PackedPolicyTooLarge',
    status: 400,
    message: /^Packed policy consumes 10[0-9]% of allotted space/,
  },
  {
    name: 'more than 10 policy ARNs',
    input: {
      PolicyArns: Array.from({ length: 11 }, () => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/ListStudentsPrefix` })),
    },
    code: 'ValidationError',
    status: 400,
    message:
      /^1 validation error detected: Value '\[.*\]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10$/,
  },
  {
    name: 'policy ARN too short',
    input: { PolicyArns: [{ arn: 'arn:aws:iam::1:p/x' }] },
    code: 'ValidationError',
    status: 400,
    message: constraint('arn:aws:iam::1:p/x', 'policyArns.1.member.arn', 'have length greater than or equal to 20'),
  },
  {
    name: 'policy ARN that does not exist',
    input: { PolicyArns: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/Missing` }] },
    code: 'ValidationError',
    status: 400,
    message: `Policy arn:aws:iam::${ACCOUNT}:policy/Missing does not exist or is not attachable.`,
  },
  {
    name: 'more than 50 tags',
    input: { Tags: tags(51) },
    code: 'ValidationError',
    status: 400,
    message: /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/,
  },
  {
    name: 'tag key too long',
    input: { Tags: [{ Key: long(129), Value: 'v' }] },
    code: 'ValidationError',
    status: 400,
    message: constraint(long(129), 'tags.1.member.key', 'have length less than or equal to 128'),
  },
  {
    name: 'tag key charset',
    input: { Tags: [{ Key: 'bad#key', Value: 'v' }] },
    code: 'ValidationError',
    status: 400,
    message: constraint(
      'bad#key',
      'tags.1.member.key',
      'satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
    ),
  },
  {
    name: 'tag value too long',
    input: { Tags: [{ Key: 'k', Value: long(257) }] },
    code: 'ValidationError',
    status: 400,
    message: constraint(long(257), 'tags.1.member.value', 'have length less than or equal to 256'),
  },
  {
    name: 'duplicate tag keys, case-insensitively',
    input: {
      Tags: [
        { Key: 'Team', Value: 'a' },
        { Key: 'team', Value: 'b' },
      ],
    },
    code: 'InvalidParameterValue',
    status: 400,
    message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
  },
  {
    name: 'transitive tag key not among the tags',
    input: { Tags: [{ Key: 'a', Value: '1' }], TransitiveTagKeys: ['b'] },
    code: 'InvalidParameterValue',
    status: 400,
    message: 'The specified transitive tag key must be included in the requested tags.',
  },
  {
    name: 'more than 50 transitive tag keys',
    input: { Tags: tags(50), TransitiveTagKeys: Array.from({ length: 51 }, (_, i) => `k${i}`) },
    code: 'ValidationError',
    status: 400,
    message: /at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to 50$/,
  },
  {
    name: 'source identity too short',
    input: { SourceIdentity: 'a' },
    code: 'ValidationError',
    status: 400,
    message: constraint('a', 'sourceIdentity', 'have length greater than or equal to 2'),
  },
  {
    name: 'source identity charset',
    input: { SourceIdentity: 'bad id' },
    code: 'ValidationError',
    status: 400,
    message: constraint('bad id', 'sourceIdentity', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
  },
  // The pattern has no ':' so the reserved `aws:` prefix is refused by it.
  {
    name: 'source identity with the aws: prefix',
    input: { SourceIdentity: 'aws:me' },
    code: 'ValidationError',
    status: 400,
    message: constraint('aws:me', 'sourceIdentity', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
  },
  {
    name: 'two violations reported together',
    input: { RoleSessionName: 'a', DurationSeconds: 100 },
    code: 'ValidationError',
    status: 400,
    message:
      "2 validation errors detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
  },
  {
    name: 'role ARN too short',
    input: { RoleArn: 'arn:aws:iam::1:r' },
    code: 'ValidationError',
    status: 400,
    message: constraint('arn:aws:iam::1:r', 'roleArn', 'have length greater than or equal to 20'),
  },
  {
    name: 'role ARN that is not an ARN',
    input: { RoleArn: 'lab-student-role-name' },
    code: 'ValidationError',
    status: 400,
    message: 'Request ARN is invalid',
  },
  {
    name: 'role that does not exist',
    input: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/nope` },
    code: 'AccessDenied',
    status: 403,
    message: `User: arn:aws:iam::${ACCOUNT}:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/nope`,
  },
  {
    name: 'wrong external id',
    input: { ExternalId: 'someone-else' },
    code: 'AccessDenied',
    status: 403,
    message: `User: arn:aws:iam::${ACCOUNT}:user/admin is not authorized to perform: sts:AssumeRole on resource: ${LAB_ROLE_ARN}`,
  },
  {
    name: 'missing external id',
    input: { ExternalId: undefined },
    code: 'AccessDenied',
    status: 403,
    message: `User: arn:aws:iam::${ACCOUNT}:user/admin is not authorized to perform: sts:AssumeRole on resource: ${LAB_ROLE_ARN}`,
  },
  {
    name: 'duration above the role maximum',
    input: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/plain`, ExternalId: undefined, DurationSeconds: 7200 },
    code: 'ValidationError',
    status: 400,
    message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  },
  {
    name: 'tags without sts:TagSession in the trust policy',
    input: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/plain`, ExternalId: undefined, Tags: [{ Key: 'k', Value: 'v' }] },
    code: 'AccessDenied',
    status: 403,
    message: `User: arn:aws:iam::${ACCOUNT}:user/admin is not authorized to perform: sts:TagSession on resource: arn:aws:iam::${ACCOUNT}:role/plain`,
  },
  {
    name: 'source identity without sts:SetSourceIdentity in the trust policy',
    input: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/plain`, ExternalId: undefined, SourceIdentity: 'alice' },
    code: 'AccessDenied',
    status: 403,
    message: `User: arn:aws:iam::${ACCOUNT}:user/admin is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::${ACCOUNT}:role/plain`,
  },
];

describe('STS AssumeRole validation (aws-local through @aws-sdk/client-sts)', () => {
  let aws: AwsLocal;
  beforeAll(async () => {
    aws = await startTestAwsLocal();
  });
  afterAll(() => aws.close());

  it.each(cases)('$name → $code', async ({ input, code, status, message }) => {
    const error = await sdkError(stsClient(aws).send(new AssumeRoleCommand({ ...VALID, ...input })));
    expect((error as unknown as { Code: string }).Code).toBe(code);
    expect(error.$metadata.httpStatusCode).toBe(status);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('maps modeled errors to the SDK exception classes', async () => {
    const malformed = await sdkError(stsClient(aws).send(new AssumeRoleCommand({ ...VALID, Policy: '[' })));
    expect(malformed).toBeInstanceOf(MalformedPolicyDocumentException);
    const tooLarge = await sdkError(
      stsClient(aws).send(new AssumeRoleCommand({ ...VALID, Policy: s3Policy(`arn:aws:s3:::${long(2100)}`) })),
    );
    expect(tooLarge).toBeInstanceOf(PackedPolicyTooLargeException);
  });

  it('does not count whitespace towards the packed policy size, and reports it as a percentage', async () => {
    const padded = s3Policy(`arn:aws:s3:::${long(900)}`).replace(/,/g, `,\n${' '.repeat(400)}`);
    expect(padded.length).toBeGreaterThan(2048);
    const out = await stsClient(aws).send(new AssumeRoleCommand({ ...VALID, Policy: padded }));
    const minified = s3Policy(`arn:aws:s3:::${long(900)}`).length;
    expect(out.PackedPolicySize).toBe(Math.ceil((minified * 100) / 2048));
  });

  it('accepts exactly 50 tags and 10 policy ARNs', async () => {
    const out = await stsClient(aws).send(
      new AssumeRoleCommand({
        ...VALID,
        Tags: tags(50),
        PolicyArns: Array.from({ length: 10 }, () => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/ListStudentsPrefix` })),
      }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });
});
