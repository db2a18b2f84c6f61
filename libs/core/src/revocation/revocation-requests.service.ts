import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { PrismaService, type TransactionClient } from '@labkeys/database';
import { accessEndedEvent, PushPublisher } from '@labkeys/push';
import { JobName, JobProducer } from '@labkeys/queues';
import { AuditWriter } from '../audit/audit-writer';
import { LabStateConflictError, NotFoundError } from '../errors/domain-errors';
import { revokeLiveSessions, type RevokeOptions, type RevokeOutcome, type RevokeScope } from './revoke-sessions';

export interface RevocationResult {
  /** Sessions ended at once (never issued). */
  revoked: number;
  /** Sessions whose credentials are being denied; each ends (REVOKED) once IAM has accepted the deny. */
  revoking: number;
}

/**
 * Students whose access to a course ends (unenrolled, course archived, student deleted): what the caller's
 * change reports, inside the same transaction.
 */
export interface Leavers {
  studentIds: string[];
  /** Only these courses' labs; every lab when omitted (a deleted student). */
  courseIds?: string[];
  /** Audit record of the change itself. */
  action: string;
  subjectType: string;
  subjectId: string;
  summary?: Record<string, unknown>;
}

export interface EndLabResult extends RevocationResult {
  labId: string;
  state: 'ENDED';
}

/**
 * Early revocation and lab end. Each request is one transaction (sessions, revocation entries, audit);
 * after commit the worker is asked to write the deny for each affected role and the streams are told.
 */
@Injectable()
export class RevocationRequestsService {
  private readonly logger = new Logger(RevocationRequestsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly producer: JobProducer,
    private readonly audit: AuditWriter,
    private readonly push: PushPublisher,
    private readonly config: AppConfig,
  ) {}

  /** Every live session of the lab, denied with one lab-wide statement. */
  revokeLab(tenantId: string, labId: string): Promise<RevocationResult> {
    return this.run(async (tx) => {
      await lockLabs(tx, tenantId, [labId]);
      const outcome = await this.revoke(tx, tenantId, { labId }, 'lab', 'revoked');
      await this.record(tx, tenantId, 'lab.revoked', 'lab', labId, outcome);
      return outcome;
    });
  }

  /** One session, and the successor a renewal may already have created for it. */
  revokeSession(tenantId: string, labId: string, sessionId: string): Promise<RevocationResult> {
    return this.run(async (tx) => {
      await lockLabs(tx, tenantId, [labId]);
      const session = await tx.labSession.findFirst({ where: { tenantId, labId, id: sessionId }, select: { id: true } });
      if (!session) throw new NotFoundError('Session not found.');
      const outcome = await this.revoke(tx, tenantId, { labId, OR: [{ id: sessionId }, { predecessorId: sessionId }] }, 'sessions', 'revoked');
      await this.record(tx, tenantId, 'session.revoked', 'session', sessionId, outcome);
      return outcome;
    });
  }

  /** The student's live sessions in every lab. */
  revokeStudent(tenantId: string, studentId: string): Promise<RevocationResult> {
    return this.run(async (tx) => {
      const student = await tx.student.findFirst({ where: { tenantId, id: studentId }, select: { id: true } });
      if (!student) throw new NotFoundError('Student not found.');
      const labs = await tx.labSession.findMany({ where: { tenantId, studentId }, distinct: ['labId'], select: { labId: true } });
      await lockLabs(tx, tenantId, labs.map((l) => l.labId));
      const outcome = await this.revoke(tx, tenantId, { studentId }, 'sessions', 'revoked');
      await this.record(tx, tenantId, 'student.revoked', 'student', studentId, outcome);
      return outcome;
    });
  }

  /**
   * RUNNING → ENDED and every live session ended; renewals stop because they require a running lab.
   * `schedule` ends only a lab whose end time has passed (a job may fire before a moved end time).
   */
  async endLab(tenantId: string, labId: string, trigger: 'manual' | 'schedule'): Promise<EndLabResult | null> {
    const result = await this.run(async (tx) => {
      const [lab] = await lockLabs(tx, tenantId, [labId]);
      if (trigger === 'schedule' && (lab.state !== 'RUNNING' || !lab.ends_at || lab.ends_at > new Date())) return null;
      if (lab.state === 'SCHEDULED' || lab.state === 'CANCELLED') throw new LabStateConflictError(lab.state, `The lab is ${lab.state.toLowerCase()}; only a running lab can end.`);
      if (lab.state === 'RUNNING') await tx.lab.update({ where: { tenantId_id: { tenantId, id: labId } }, data: { state: 'ENDED', endedAt: new Date() } });
      // Ending an ended lab again still ends anything left live, so a retried request is harmless.
      const outcome = await this.revoke(tx, tenantId, { labId }, 'lab', 'lab-ended');
      await this.record(tx, tenantId, 'lab.ended', 'lab', labId, outcome, { trigger });
      return outcome;
    });
    return result && { labId, state: 'ENDED', ...result };
  }

  /**
   * A change that ends students' access to a course — `change` runs first in the same transaction — and the
   * revocation of their live sessions in that course's labs, through the same path as any revocation
   * (REVOKED only once IAM accepted the deny). Their open streams are told to re-check their tokens.
   */
  async endAccess(tenantId: string, change: (tx: TransactionClient) => Promise<Leavers | null>): Promise<RevocationResult | null> {
    let leavers: Leavers | null = null;
    const result = await this.run(async (tx) => {
      leavers = await change(tx);
      if (!leavers) return null;
      const { studentIds, courseIds } = leavers;
      const where = { studentId: { in: studentIds }, ...(courseIds ? { lab: { courseId: { in: courseIds } } } : {}) };
      const labs = studentIds.length ? await tx.labSession.findMany({ where: { tenantId, ...where }, distinct: ['labId'], select: { labId: true } }) : [];
      await lockLabs(tx, tenantId, labs.map((l) => l.labId));
      const outcome = studentIds.length ? await this.revoke(tx, tenantId, where, 'sessions', 'access-ended') : emptyOutcome();
      await this.record(tx, tenantId, leavers.action, leavers.subjectType, leavers.subjectId, outcome, leavers.summary);
      return outcome;
    });
    const ended = leavers as Leavers | null;
    // After commit, never an error for the committed change: a stream that misses this re-checks its token at its next event.
    if (ended) await this.push.publish(ended.studentIds.map((studentId) => accessEndedEvent(tenantId, studentId, ended.action))).catch((error: Error) => this.warnNotTold(error));
    return result;
  }

  private warnNotTold(error: Error): void {
    new Logger(RevocationRequestsService.name).warn({ err: error.message }, 'could not tell open streams that access ended');
  }

  /** Tells a student's open streams that one of their access tokens stopped being current (a link re-issued). */
  async tokenReplaced(tenantId: string, studentId: string): Promise<void> {
    await this.push.publish([accessEndedEvent(tenantId, studentId, 'enrollment.access-link-reissued')]);
  }

  private async revoke(tx: TransactionClient, tenantId: string, where: Parameters<typeof revokeLiveSessions>[2], scope: RevokeScope, reason: string) {
    return revokeLiveSessions(tx, tenantId, where, scope, reason, await this.options(tx));
  }

  /** The revocation instant by the database's clock, so every deadline LabKeys compares is on one clock. */
  private async options(tx: TransactionClient): Promise<RevokeOptions> {
    const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    return { now, marginMs: this.config.revocationClockMarginMs };
  }

  private run<T extends RevokeOutcome | null>(work: (tx: TransactionClient) => Promise<T>): Promise<T extends null ? RevocationResult | null : RevocationResult>;
  private async run(work: (tx: TransactionClient) => Promise<RevokeOutcome | null>): Promise<RevocationResult | null> {
    const outcome = await this.prisma.$transaction(work, { timeout: 30_000 });
    if (!outcome) return null;
    // After commit, so the worker reads the entries; fixed job ids coalesce a burst per role. A failure here
    // must not answer an error for a committed revocation: the sweep re-adds the job of every role with
    // PENDING entries, and the sessions' state is in Postgres for the API to show.
    try {
      for (const role of outcome.roles) await this.producer.add(JobName.ApplyRevocations, role);
      await this.push.publish(outcome.events);
    } catch (error) {
      this.logger.warn({ roles: outcome.roles.length, err: (error as Error).message }, 'could not enqueue revocation after commit; the repair sweep will');
    }
    return { revoked: outcome.revoked, revoking: outcome.revoking };
  }

  private record(tx: TransactionClient, tenantId: string, action: string, subjectType: string, subjectId: string, o: RevokeOutcome, extra: Record<string, unknown> = {}) {
    const sessions = o.events.map((e) => ({ sessionId: e.sessionId, state: e.state }));
    return this.audit.record(tx, tenantId, { action, subjectType, subjectId, summary: JSON.parse(JSON.stringify({ ...extra, revoked: o.revoked, revoking: o.revoking, sessions })) });
  }
}

interface LockedLab {
  id: string;
  state: string;
  ends_at: Date | null;
}

/** Same lock as lab start and renewal, taken in id order so two requests never deadlock. */
async function lockLabs(tx: TransactionClient, tenantId: string, labIds: string[]): Promise<LockedLab[]> {
  const locked: LockedLab[] = [];
  for (const id of [...new Set(labIds)].sort()) {
    const rows = await tx.$queryRaw<LockedLab[]>`SELECT id, state::text AS state, ends_at FROM labs WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid FOR UPDATE`;
    if (rows.length === 0) throw new NotFoundError('Lab not found.');
    locked.push(rows[0]);
  }
  return locked;
}

const emptyOutcome = (): RevokeOutcome => ({ revoked: 0, revoking: 0, roles: [], events: [] });
