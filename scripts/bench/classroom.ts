import { randomBytes, randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { createTenant } from '@labkeys/core';
import { PrismaClient } from '@labkeys/database';
import { generateToken, hashToken } from '@labkeys/secrets';
import { makeStudentHandle } from '@labkeys/templates';
import { LAB_ROLE_ARN, MANAGEMENT_ROLE_ARN } from './world';

/** Students may list only their own prefix of the class bucket (as test/support/classroom.ts). */
export const SCOPED_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::class-bucket', Condition: { StringLike: { 's3:prefix': 'students/{{student.handle}}/*' } } },
  ],
});

export interface BenchClassroom {
  tenantId: string;
  ownerToken: string;
  labId: string;
  courseCode: string;
  courseId: string;
  externalId: string;
  students: { id: string; handle: string; token: string }[];
}

export function benchPrisma(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });
}

/** Same shapes as test/support/classroom.ts: tenant + owner, connection to aws-local, template, course, enrolled students, a SCHEDULED lab. */
export async function seedClassroom(prisma: PrismaClient, options: { students: number; endpoint: string; externalId: string; durationSeconds?: number }): Promise<BenchClassroom> {
  const suffix = randomBytes(3).toString('hex');
  const tenant = await createTenant(prisma, { name: `Bench school ${suffix}`, ownerEmail: `owner-${suffix}@example.edu` });
  const connection = await prisma.awsConnection.create({
    data: {
      tenantId: tenant.tenantId,
      name: `school-aws-${suffix}`,
      accountId: '123456789012',
      region: 'us-east-1',
      externalId: options.externalId,
      labRoleArn: LAB_ROLE_ARN,
      managementRoleArn: MANAGEMENT_ROLE_ARN,
      endpointOverride: options.endpoint,
    },
  });
  const course = await prisma.course.create({ data: { tenantId: tenant.tenantId, code: `CLOUD-${suffix}`, title: 'Cloud Foundations' } });
  const duration = options.durationSeconds ?? 3600;
  const template = await prisma.roleTemplate.create({
    data: {
      tenantId: tenant.tenantId,
      connectionId: connection.id,
      name: `scoped-${suffix}`,
      roleArn: LAB_ROLE_ARN,
      sessionPolicyTemplate: SCOPED_POLICY,
      durationSeconds: duration,
      sessionTags: [{ key: 'course', value: '{{course.code}}' }],
      consoleDestination: 'https://console.aws.amazon.com/s3/home',
    },
  });
  const lab = await prisma.lab.create({
    data: { tenantId: tenant.tenantId, courseId: course.id, templateId: template.id, name: `Lab ${suffix}`, sessionDurationSeconds: duration, autoRenew: false },
  });
  const students = Array.from({ length: options.students }, () => ({ id: randomUUID(), handle: makeStudentHandle(), token: generateToken('lks') }));
  for (let i = 0; i < students.length; i += 1000) {
    const chunk = students.slice(i, i + 1000);
    await prisma.student.createMany({ data: chunk.map((s, j) => ({ id: s.id, tenantId: tenant.tenantId, email: `student${i + j}-${suffix}@example.edu`, handle: s.handle })) });
    await prisma.enrollment.createMany({
      data: chunk.map((s) => ({ tenantId: tenant.tenantId, courseId: course.id, studentId: s.id, accessTokenHash: hashToken(s.token), tokenIssuedAt: new Date() })),
    });
  }
  return { tenantId: tenant.tenantId, ownerToken: tenant.ownerToken, labId: lab.id, courseId: course.id, courseCode: course.code, externalId: options.externalId, students };
}
