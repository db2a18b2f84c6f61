import { effectiveMaxSessionSeconds, exceedsRoleChainingCap, ROLE_CHAINING_MAX_SECONDS } from '@labkeys/core';
import type { LabRepository, TenantScope, Tx } from '@labkeys/database';
import type { FieldProblem } from '../common/problem';

export interface LabFields {
  courseId: string;
  templateId: string;
  startsAt: Date | null;
  endsAt: Date | null;
  /** Undefined: the template's duration. */
  sessionDurationSeconds?: number;
}

/** Times given in this very request must not lie in the past; a little clock skew is forgiven. */
const PAST_GRACE_MS = 60_000;

/**
 * Checks a lab against its course, template and connection. Another tenant's ids read as unknown, so the
 * answer never reveals that they exist. Returns the problems and the resolved session duration.
 */
export async function checkLab(
  labs: LabRepository,
  scope: TenantScope,
  lab: LabFields,
  given: { startsAt?: boolean; endsAt?: boolean },
  tx: Tx,
): Promise<{ problems: FieldProblem[]; sessionDurationSeconds: number }> {
  const problems: FieldProblem[] = [];
  const now = Date.now();
  const course = await labs.findCourse(scope, lab.courseId, tx);
  if (!course) problems.push({ field: 'courseId', message: 'No course with this id' });
  else if (course.archivedAt) problems.push({ field: 'courseId', message: 'The course is archived' });

  if (given.startsAt && lab.startsAt && lab.startsAt.getTime() < now - PAST_GRACE_MS) {
    problems.push({ field: 'startsAt', message: 'startsAt must not be in the past' });
  }
  if (lab.startsAt && lab.endsAt && lab.endsAt <= lab.startsAt) {
    problems.push({ field: 'endsAt', message: 'endsAt must be after startsAt' });
  } else if (given.endsAt && lab.endsAt && lab.endsAt.getTime() <= now) {
    problems.push({ field: 'endsAt', message: 'endsAt must be in the future' });
  }

  const template = await labs.findTemplateWithConnection(scope, lab.templateId, tx);
  if (!template) {
    problems.push({ field: 'templateId', message: 'No role template with this id' });
    return { problems, sessionDurationSeconds: lab.sessionDurationSeconds ?? 0 };
  }
  const duration = lab.sessionDurationSeconds ?? template.durationSeconds;
  const from = lab.sessionDurationSeconds === undefined ? ` (the template's duration, used by default)` : '';
  const { connection } = template;
  if (exceedsRoleChainingCap(duration, connection.roleChaining)) {
    problems.push({
      field: 'sessionDurationSeconds',
      message: `${duration} s${from} exceeds the ${ROLE_CHAINING_MAX_SECONDS} s limit: LabKeys' AWS identity is an assumed role (role chaining); auto-renew keeps longer labs going`,
    });
  } else {
    const max = effectiveMaxSessionSeconds(connection);
    if (max !== undefined && duration > max) {
      problems.push({
        field: 'sessionDurationSeconds',
        message: `${duration} s${from} exceeds the role's MaxSessionDuration of ${max} s`,
      });
    }
  }
  return { problems, sessionDurationSeconds: duration };
}
