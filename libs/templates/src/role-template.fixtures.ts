import type { AssumeRoleContext, RoleTemplateInput } from './role-template.types';

/** Test factories shared by the specs of this library. */
export const S3_LAB_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'OwnPrefix',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:List*'],
      Resource: 'arn:{{partition}}:s3:::labkeys-{{course.code}}/{{student.handle}}/*',
      Condition: { StringEquals: { 'aws:RequestedRegion': '{{region}}' } },
    },
    {
      Effect: 'Deny',
      NotAction: 'ec2:Describe*',
      Resource: '*',
      Condition: { 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['x*'] } },
    },
  ],
};

export function roleTemplate(overrides: Partial<RoleTemplateInput> = {}): RoleTemplateInput {
  return {
    roleArn: 'arn:aws:iam::123456789012:role/labs/LabKeysStudent',
    sessionPolicyTemplate: JSON.stringify(S3_LAB_POLICY, null, 2),
    managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    durationSeconds: 3600,
    sessionTags: [
      { key: 'course', value: '{{course.code}}' },
      { key: 'student', value: 'student {{student.handle}}' },
    ],
    transitiveTagKeys: ['course'],
    consoleDestination: 'https://console.aws.amazon.com/s3/home',
    ...overrides,
  };
}

export function assumeRoleContext(overrides: Partial<AssumeRoleContext> = {}): AssumeRoleContext {
  return {
    tenantId: '11111111-1111-4111-8111-111111111111',
    labId: '22222222-2222-4222-8222-222222222222',
    sessionId: '3a4b5c6d-3333-4333-8333-333333333333',
    studentHandle: 's-abcdefghij',
    courseId: '44444444-4444-4444-8444-444444444444',
    courseCode: 'CS101',
    region: 'eu-west-1',
    accountId: '123456789012',
    partition: 'aws',
    externalId: 'lk-ext-0123456789',
    durationSeconds: 3600,
    ...overrides,
  };
}
