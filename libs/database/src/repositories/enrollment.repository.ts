import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

/** An enrollment found by its access token's hash, with what decides whether the token still works. */
export interface EnrollmentByTokenHash {
  id: string;
  tenantId: string;
  studentId: string;
  courseId: string;
  unenrolledAt: Date | null;
  tokenIssuedAt: Date | null;
  course: { archivedAt: Date | null; endsAt: Date | null };
  student: { deletedAt: Date | null };
}

/**
 * Enrollments: a student in a course, with the hash of their current access token (null once unenrolled).
 * Roster imports write them set-based, in key order, so two imports with overlapping rosters take row locks
 * in the same order and wait for each other instead of deadlocking. The student api looks a token up by its
 * hash before the tenant is known (`systemFindByTokenHash`).
 */
@Injectable()
export class EnrollmentRepository {
  constructor(private readonly prisma: PrismaService) {}

  systemFindByTokenHash(accessTokenHash: string): Promise<EnrollmentByTokenHash | null> {
    return this.prisma.enrollment.findUnique({
      where: { accessTokenHash },
      select: {
        id: true,
        tenantId: true,
        studentId: true,
        courseId: true,
        unenrolledAt: true,
        tokenIssuedAt: true,
        course: { select: { archivedAt: true, endsAt: true } },
        student: { select: { deletedAt: true } },
      },
    });
  }
}
