import { randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient, SessionState } from '@labkeys/database';
import { fixturePrisma } from '@labkeys/testing';

/** A Prisma client on the run's database, for arranging and inspecting rows. */
export function testPrisma(): PrismaClient {
  return fixturePrisma(process.env.DATABASE_URL!);
}

const suffix = () => randomBytes(4).toString('hex');

/** Builds a tenant with one connection, course, template and running lab. */
export async function createLabFixture(prisma: PrismaClient, options: { students?: number } = {}) {
  const tenant = await prisma.tenant.create({ data: { name: `Tenant ${suffix()}` } });
  const connection = await prisma.awsConnection.create({
    data: {
      tenantId: tenant.id,
      name: `conn-${suffix()}`,
      accountId: '123456789012',
      region: 'us-east-1',
      externalId: `ext-${suffix()}`,
    },
  });
  const course = await prisma.course.create({
    data: { tenantId: tenant.id, code: `C${suffix()}`, title: 'Cloud Basics' },
  });
  const template = await prisma.roleTemplate.create({
    data: {
      tenantId: tenant.id,
      connectionId: connection.id,
      name: `tpl-${suffix()}`,
      roleArn: 'arn:aws:iam::123456789012:role/LabKeysStudent',
      durationSeconds: 3600,
    },
  });
  const lab = await prisma.lab.create({
    data: {
      tenantId: tenant.id,
      courseId: course.id,
      templateId: template.id,
      name: 'Lab 1',
      sessionDurationSeconds: 3600,
      state: 'RUNNING',
    },
  });
  const students = [];
  for (let i = 0; i < (options.students ?? 1); i++) {
    students.push(
      await prisma.student.create({
        data: { tenantId: tenant.id, email: `s${i}-${suffix()}@example.edu`, handle: `s-${suffix()}` },
      }),
    );
  }
  return { tenant, connection, course, template, lab, students };
}

export async function createSession(
  prisma: PrismaClient,
  fixture: Awaited<ReturnType<typeof createLabFixture>>,
  studentIndex: number,
  data: { state: SessionState; expiresAt?: Date; sealedSecret?: Buffer },
) {
  const student = fixture.students[studentIndex];
  return prisma.labSession.create({
    data: {
      id: randomUUID(),
      tenantId: fixture.tenant.id,
      labId: fixture.lab.id,
      studentId: student.id,
      roleSessionName: `lk-${student.handle}`,
      state: data.state,
      expiresAt: data.expiresAt,
      sealedSecret: data.sealedSecret ? new Uint8Array(data.sealedSecret) : undefined,
      sealKeyId: data.sealedSecret ? 'k1' : undefined,
    },
  });
}
