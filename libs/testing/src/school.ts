import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, type WorldStateFile } from '@labkeys/aws-local';
import {
  STS_AUDIENCE,
  labRoleWebIdentityTrustPolicy,
  managementRoleWebIdentityTrustPolicy,
  oidcProviderArn,
} from '@labkeys/aws';
import { createTenant } from '@labkeys/core';
import { standaloneDatabase, type PrismaClient } from '@labkeys/database';
import { generateToken, hashToken } from '@labkeys/secrets';
import { makeStudentHandle } from '@labkeys/templates';

/**
 * The school the tests and the benchmarks run: its AWS account as aws-local state (a lab role trusting
 * LabKeys with the external id, a management role allowed to edit the lab role's inline policies) and a
 * class seeded straight into Postgres. One copy, shared by test/support and the benchmarks.
 */
export const ACCOUNT = '123456789012';
export const LAB_ROLE = 'labkeys-lab';
export const LAB_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${LAB_ROLE}`;
export const MANAGEMENT_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/labkeys-management`;
export const ADMIN_CREDENTIALS = { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY };
const LABKEYS_PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/admin`;

export function schoolWorld(externalIds: string[]): WorldStateFile {
  const trusted = { StringEquals: { 'sts:ExternalId': externalIds } };
  return {
    accounts: [
      {
        id: ACCOUNT,
        users: [
          {
            name: 'admin',
            accessKeys: [ADMIN_CREDENTIALS],
            inlinePolicies: {
              AdministratorAccess: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
              },
            },
          },
        ],
        roles: [
          {
            name: LAB_ROLE,
            maxSessionDuration: 43200,
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: LABKEYS_PRINCIPAL },
                  Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
                  Condition: trusted,
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
            name: 'labkeys-management',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: LABKEYS_PRINCIPAL },
                  Action: 'sts:AssumeRole',
                  Condition: trusted,
                },
              ],
            },
            inlinePolicies: {
              'manage-lab-role': {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: [
                      'iam:GetRole',
                      'iam:GetRolePolicy',
                      'iam:PutRolePolicy',
                      'iam:DeleteRolePolicy',
                      'iam:ListRolePolicies',
                    ],
                    Resource: LAB_ROLE_ARN,
                  },
                ],
              },
            },
          },
        ],
      },
    ],
  };
}

/** Students may list only their own prefix of the class bucket. */
export const SCOPED_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::class-bucket',
      Condition: { StringLike: { 's3:prefix': 'students/{{student.handle}}/*' } },
    },
  ],
});

export interface Classroom {
  tenantId: string;
  ownerToken: string;
  connectionId: string;
  courseId: string;
  courseCode: string;
  templateId: string;
  labId: string;
  externalId: string;
  students: { id: string; handle: string; email: string; token: string }[];
}

export interface ClassroomOptions {
  students: number;
  endpoint: string;
  externalId: string;
  autoRenew?: boolean;
  durationSeconds?: number;
  roleArn?: string;
}

/**
 * A tenant and its owner, a connection to the given local AWS, a scoped template, a course of `students`
 * enrolled students (with their raw access tokens) and a SCHEDULED lab.
 */
export async function createClassroom(prisma: PrismaClient, options: ClassroomOptions): Promise<Classroom> {
  const suffix = randomBytes(3).toString('hex');
  const tenant = await createTenant(standaloneDatabase(prisma), {
    name: `School ${suffix}`,
    ownerEmail: `owner-${suffix}@example.edu`,
  });
  const roleArn = options.roleArn ?? LAB_ROLE_ARN;
  const duration = options.durationSeconds ?? 3600;
  const connection = await prisma.awsConnection.create({
    data: {
      tenantId: tenant.tenantId,
      name: `school-aws-${suffix}`,
      accountId: ACCOUNT,
      region: 'us-east-1',
      externalId: options.externalId,
      labRoleArn: roleArn,
      managementRoleArn: MANAGEMENT_ROLE_ARN,
      endpointOverride: options.endpoint,
    },
  });
  const course = await prisma.course.create({
    data: { tenantId: tenant.tenantId, code: `CLOUD-${suffix}`, title: 'Cloud Foundations' },
  });
  const template = await prisma.roleTemplate.create({
    data: {
      tenantId: tenant.tenantId,
      connectionId: connection.id,
      name: `scoped-${suffix}`,
      roleArn,
      sessionPolicyTemplate: SCOPED_POLICY,
      durationSeconds: duration,
      sessionTags: [{ key: 'course', value: '{{course.code}}' }],
      consoleDestination: 'https://console.aws.amazon.com/s3/home',
    },
  });
  const lab = await prisma.lab.create({
    data: {
      tenantId: tenant.tenantId,
      courseId: course.id,
      templateId: template.id,
      name: `Lab ${suffix}`,
      sessionDurationSeconds: duration,
      autoRenew: options.autoRenew ?? false,
    },
  });
  const students = Array.from({ length: options.students }, (_, i) => ({
    id: randomUUID(),
    handle: makeStudentHandle(),
    email: `student${i}-${suffix}@example.edu`,
    token: generateToken('lks'),
  }));
  // Chunks keep a class of 10,000 within Postgres' bind-parameter limit.
  for (let i = 0; i < students.length; i += 1000) {
    const chunk = students.slice(i, i + 1000);
    await prisma.student.createMany({
      data: chunk.map((s) => ({ id: s.id, tenantId: tenant.tenantId, email: s.email, handle: s.handle })),
    });
    await prisma.enrollment.createMany({
      data: chunk.map((s) => ({
        tenantId: tenant.tenantId,
        courseId: course.id,
        studentId: s.id,
        accessTokenHash: hashToken(s.token),
        tokenIssuedAt: new Date(),
      })),
    });
  }
  return {
    tenantId: tenant.tenantId,
    ownerToken: tenant.ownerToken,
    connectionId: connection.id,
    courseId: course.id,
    courseCode: course.code,
    templateId: template.id,
    labId: lab.id,
    externalId: options.externalId,
    students,
  };
}

/**
 * The same school in webIdentity mode: its account trusts LabKeys' OIDC issuer (an IAM OIDC provider) and both
 * roles trust only that tenant's subjects, as /setup describes them. No external id, no LabKeys AWS principal.
 */
export function webIdentitySchoolWorld(issuerUrl: string, tenantId: string): WorldStateFile {
  const world = schoolWorld([]);
  const account = world.accounts[0];
  const providerArn = oidcProviderArn('aws', ACCOUNT, issuerUrl);
  account.oidcProviders = [{ url: issuerUrl, clientIds: [STS_AUDIENCE] }];
  account.roles![0].trustPolicy = labRoleWebIdentityTrustPolicy(providerArn, issuerUrl, tenantId);
  account.roles![1].trustPolicy = managementRoleWebIdentityTrustPolicy(providerArn, issuerUrl, tenantId);
  return world;
}
