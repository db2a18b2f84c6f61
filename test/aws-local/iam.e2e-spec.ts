import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import type { AwsLocal } from '@labkeys/aws-local';
import { ACCOUNT, iamClient, sdkError, startTestAwsLocal } from './support/aws-local-harness';

const codeOf = (e: unknown): string => (e as { Code: string }).Code;
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
});
const LIST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
});

/** A deny statement of a given length, the way revocation entries accumulate on a lab role. */
function denyEntry(id: string): Record<string, unknown> {
  return {
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': id } },
  };
}

describe('IAM subset (aws-local through @aws-sdk/client-iam)', () => {
  let aws: AwsLocal;
  beforeEach(async () => {
    aws = await startTestAwsLocal();
  });
  afterEach(() => aws.close());

  it('creates, reads, updates and deletes a role as AWS does', async () => {
    const iam = iamClient(aws);
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'lab-x',
        Path: '/labkeys/',
        AssumeRolePolicyDocument: TRUST,
        MaxSessionDuration: 7200,
      }),
    );
    expect(created.Role).toMatchObject({
      RoleName: 'lab-x',
      Path: '/labkeys/',
      Arn: `arn:aws:iam::${ACCOUNT}:role/labkeys/lab-x`,
      MaxSessionDuration: 7200,
    });
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(created.Role?.CreateDate).toBeInstanceOf(Date);
    const got = await iam.send(new GetRoleCommand({ RoleName: 'lab-x' }));
    expect(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? '')).toBe(TRUST);
    expect(got.Role?.AssumeRolePolicyDocument).not.toBe(TRUST);
    await iam.send(new UpdateRoleCommand({ RoleName: 'lab-x', MaxSessionDuration: 43200 }));
    expect((await iam.send(new GetRoleCommand({ RoleName: 'lab-x' }))).Role?.MaxSessionDuration).toBe(43200);
    const tooLong = await sdkError(iam.send(new UpdateRoleCommand({ RoleName: 'lab-x', MaxSessionDuration: 43201 })));
    expect(tooLong.message).toBe(
      "1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    const exists = await sdkError(
      iam.send(new CreateRoleCommand({ RoleName: 'LAB-X', AssumeRolePolicyDocument: TRUST })),
    );
    expect(exists).toBeInstanceOf(EntityAlreadyExistsException);
    expect(exists.$metadata.httpStatusCode).toBe(409);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'lab-x', PolicyName: 'p', PolicyDocument: LIST }));
    const conflict = await sdkError(iam.send(new DeleteRoleCommand({ RoleName: 'lab-x' })));
    expect(codeOf(conflict)).toBe('DeleteConflict');
    expect(conflict.message).toBe('Cannot delete entity, must delete policies first.');
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'lab-x', PolicyName: 'p' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'lab-x' }));
    const gone = await sdkError(iam.send(new GetRoleCommand({ RoleName: 'lab-x' })));
    expect(gone).toBeInstanceOf(NoSuchEntityException);
    expect(gone.$metadata.httpStatusCode).toBe(404);
    expect(gone.message).toBe('The role with name lab-x cannot be found.');
  });

  it('stores inline policies and returns them URL-encoded', async () => {
    const iam = iamClient(aws);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'extra', PolicyDocument: LIST }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'extra' }));
    expect(got).toMatchObject({ RoleName: 'lab-student', PolicyName: 'extra' });
    expect(decodeURIComponent(got.PolicyDocument ?? '')).toBe(LIST);
    const names = await iam.send(new ListRolePoliciesCommand({ RoleName: 'lab-student' }));
    expect(names.PolicyNames).toEqual(['lab-permissions', 'extra']);
    expect(names.IsTruncated).toBe(false);
    const missing = await sdkError(iam.send(new GetRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'nope' })));
    expect(missing.message).toBe('The role policy with name nope cannot be found.');
    expect(missing.$metadata.httpStatusCode).toBe(404);
    const malformed = await sdkError(
      iam.send(
        new PutRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'bad', PolicyDocument: '{"Statement":' }),
      ),
    );
    expect(codeOf(malformed)).toBe('MalformedPolicyDocument');
    expect(malformed.message).toBe('Syntax errors in policy.');
    const noRole = await sdkError(
      iam.send(new PutRolePolicyCommand({ RoleName: 'ghost', PolicyName: 'p', PolicyDocument: LIST })),
    );
    expect(noRole).toBeInstanceOf(NoSuchEntityException);
  });

  it('enforces the 10,240-character aggregate inline policy limit, whitespace not counted', async () => {
    const iam = iamClient(aws);
    const existing = aws.iam.getRole('lab-student')?.inlinePolicySize ?? 0;
    const statements: Record<string, unknown>[] = [];
    const doc = () => JSON.stringify({ Version: '2012-10-17', Statement: statements });
    while (existing + doc().length <= 10240)
      statements.push(denyEntry(`s-${statements.length.toString().padStart(6, '0')}`));
    statements.pop();
    // Pretty-printed, far over 10,240 characters, but whitespace does not count.
    const pretty = JSON.stringify(JSON.parse(doc()), null, 8);
    expect(existing + pretty.length).toBeGreaterThan(10240);
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'revocations', PolicyDocument: pretty }),
    );
    const size = aws.iam.getRole('lab-student')?.inlinePolicySize ?? 0;
    expect(size).toBeLessThanOrEqual(10240);
    statements.push(denyEntry('one-more-entry'));
    const error = await sdkError(
      iam.send(new PutRolePolicyCommand({ RoleName: 'lab-student', PolicyName: 'revocations', PolicyDocument: doc() })),
    );
    expect(codeOf(error)).toBe('LimitExceeded');
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.message).toBe('Maximum policy size of 10240 bytes exceeded for role lab-student');
    expect(aws.iam.getRole('lab-student')?.inlinePolicySize).toBe(size);
  });

  it('creates managed policies and attaches and detaches them', async () => {
    const iam = iamClient(aws);
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'LabList', PolicyDocument: LIST }));
    const arn = `arn:aws:iam::${ACCOUNT}:policy/LabList`;
    expect(created.Policy).toMatchObject({
      PolicyName: 'LabList',
      Arn: arn,
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      IsAttachable: true,
    });
    expect(created.Policy?.PolicyId).toMatch(/^ANPA/);
    const dup = await sdkError(iam.send(new CreatePolicyCommand({ PolicyName: 'LabList', PolicyDocument: LIST })));
    expect(dup.message).toBe('A policy called LabList already exists. Duplicate names are not allowed.');
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-student', PolicyArn: arn }));
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: 'lab-student', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    );
    const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'lab-student' }));
    expect(listed.AttachedPolicies).toEqual([
      { PolicyName: 'LabList', PolicyArn: arn },
      { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    ]);
    const missing = await sdkError(
      iam.send(
        new AttachRolePolicyCommand({ RoleName: 'lab-student', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Nope` }),
      ),
    );
    expect(missing.message).toBe(`Policy arn:aws:iam::${ACCOUNT}:policy/Nope does not exist or is not attachable.`);
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'chained', PolicyArn: arn }));
    const conflict = await sdkError(iam.send(new DeleteRoleCommand({ RoleName: 'chained' })));
    expect(conflict.message).toBe('Cannot delete entity, must detach all policies first.');
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'chained', PolicyArn: arn }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'chained' }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'lab-student', PolicyArn: arn }));
    expect(aws.iam.getRole('lab-student')?.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    const notAttached = await sdkError(
      iam.send(new DetachRolePolicyCommand({ RoleName: 'lab-student', PolicyArn: arn })),
    );
    expect(notAttached.message).toBe(`Policy ${arn} was not found.`);
  });

  it('validates names and documents with AWS’s messages', async () => {
    const iam = iamClient(aws);
    const badName = await sdkError(
      iam.send(new CreateRoleCommand({ RoleName: 'bad name', AssumeRolePolicyDocument: TRUST })),
    );
    expect(badName.message).toBe(
      "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    const resourceInTrust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }],
    });
    const badTrust = await sdkError(
      iam.send(new CreateRoleCommand({ RoleName: 'r2', AssumeRolePolicyDocument: resourceInTrust })),
    );
    expect(codeOf(badTrust)).toBe('MalformedPolicyDocument');
    expect(badTrust.message).toBe('Has prohibited field Resource');
  });
});
