import { randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '@labkeys/database';
import { generateToken, hashToken } from '@labkeys/secrets';
import { makeStudentHandle } from '@labkeys/templates';
import { createTenantWithOwner } from './api';
import { LAB_ROLE_ARN, MANAGEMENT_ROLE_ARN } from './aws-world';

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
  templateId: string;
  labId: string;
  externalId: string;
  students: { id: string; handle: string; email: string; token: string }[];
}

/**
 * A tenant with a connection to the given local AWS, a scoped template, a course of
 * `students` enrolled students (with their raw access tokens) and a SCHEDULED lab.
 */
export async function createClassroom(
  prisma: PrismaClient,
  options: { students: number; endpoint: string; externalId: string; autoRenew?: boolean; durationSeconds?: number; roleArn?: string },
): Promise<Classroom> {
  const tenant = await createTenantWithOwner(prisma);
  const suffix = randomBytes(3).toString('hex');
  const connection = await prisma.awsConnection.create({
    data: {
      tenantId: tenant.tenantId,
      name: `school-aws-${suffix}`,
      accountId: '123456789012',
      region: 'us-east-1',
      externalId: options.externalId,
      labRoleArn: options.roleArn ?? LAB_ROLE_ARN,
      managementRoleArn: MANAGEMENT_ROLE_ARN,
      endpointOverride: options.endpoint,
    },
  });
  const course = await prisma.course.create({ data: { tenantId: tenant.tenantId, code: `CLOUD-${suffix}`, title: 'Cloud Foundations' } });
  const template = await prisma.roleTemplate.create({
    data: {
      tenantId: tenant.tenantId,
      connectionId: connection.id,
      name: `scoped-${suffix}`,
      roleArn: options.roleArn ?? LAB_ROLE_ARN,
      sessionPolicyTemplate: SCOPED_POLICY,
      durationSeconds: options.durationSeconds ?? 3600,
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
      sessionDurationSeconds: options.durationSeconds ?? 3600,
      autoRenew: options.autoRenew ?? false,
    },
  });
  const students = Array.from({ length: options.students }, (_, i) => ({
    id: randomUUID(),
    handle: makeStudentHandle(),
    email: `student${i}-${suffix}@example.edu`,
    token: generateToken('lks'),
  }));
  await prisma.student.createMany({ data: students.map((s) => ({ id: s.id, tenantId: tenant.tenantId, email: s.email, handle: s.handle })) });
  await prisma.enrollment.createMany({
    data: students.map((s) => ({ tenantId: tenant.tenantId, courseId: course.id, studentId: s.id, accessTokenHash: hashToken(s.token), tokenIssuedAt: new Date() })),
  });
  return {
    tenantId: tenant.tenantId,
    ownerToken: tenant.ownerToken,
    connectionId: connection.id,
    courseId: course.id,
    templateId: template.id,
    labId: lab.id,
    externalId: options.externalId,
    students,
  };
}
