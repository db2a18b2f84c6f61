import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import {
  DatabaseClock,
  jsonInputOf,
  LabRepository,
  LabSessionRepository,
  RevocationEntryRepository,
  UnitOfWork,
  type LockedLab,
  type SessionSelector,
  type TenantScope,
  type Tx,
} from '@labkeys/database';
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
    private readonly uow: UnitOfWork,
    private readonly labs: LabRepository,
    private readonly sessions: LabSessionRepository,
    private readonly entries: RevocationEntryRepository,
    private readonly clock: DatabaseClock,
    private readonly producer: JobProducer,
    private readonly audit: AuditWriter,
    private readonly push: PushPublisher,
    private readonly config: AppConfig,
  ) {}

  /**
   * Every live session of the lab, denied with one lab-wide statement. `reason` (optional, validated by the
   * caller) is the instructor's own words: stored with each session, in the audit row and told to the students.
   */
  revokeLab(scope: TenantScope, labId: string, reason?: string): Promise<RevocationResult> {
    return this.run(async (tx) => {
      await this.lockLabs(scope, [labId], tx);
      const outcome = await this.revoke(scope, { labId }, 'lab', 'revoked', tx, reason);
      await this.record(tx, scope, 'lab.revoked', 'lab', labId, outcome, reasonOf(reason));
      return outcome;
    });
  }

  /** One session, and the successor a renewal may already have created for it. */
  revokeSession(scope: TenantScope, labId: string, sessionId: string, reason?: string): Promise<RevocationResult> {
    return this.run(async (tx) => {
      await this.lockLabs(scope, [labId], tx);
      const session = await this.sessions.findInLab(scope, labId, sessionId, tx);
      if (!session) throw new NotFoundError('Session not found.');
      const selector = { labId, sessionOrSuccessorOf: sessionId };
      const outcome = await this.revoke(scope, selector, 'sessions', 'revoked', tx, reason);
      await this.record(tx, scope, 'session.revoked', 'session', sessionId, outcome, reasonOf(reason));
      return outcome;
    });
  }

  /** The student's live sessions in every lab. */
  revokeStudent(scope: TenantScope, studentId: string, reason?: string): Promise<RevocationResult> {
    return this.run(async (tx) => {
      if (!(await this.sessions.studentExists(scope, studentId, tx))) throw new NotFoundError('Student not found.');
      const labIds = await this.sessions.labIdsOf(scope, { studentId }, tx);
      await this.lockLabs(scope, labIds, tx);
      const outcome = await this.revoke(scope, { studentId }, 'sessions', 'revoked', tx, reason);
      await this.record(tx, scope, 'student.revoked', 'student', studentId, outcome, reasonOf(reason));
      return outcome;
    });
  }

  /**
   * RUNNING → ENDED and every live session ended; renewals stop because they require a running lab.
   * `schedule` ends only a lab whose end time has passed (a job may fire before a moved end time).
   */
  async endLab(scope: TenantScope, labId: string, trigger: 'manual' | 'schedule'): Promise<EndLabResult | null> {
    const result = await this.run(async (tx) => {
      const [lab] = await this.lockLabs(scope, [labId], tx);
      if (trigger === 'schedule' && (lab.state !== 'RUNNING' || !lab.endsAt || lab.endsAt > new Date())) return null;
      if (lab.state === 'SCHEDULED' || lab.state === 'CANCELLED')
        throw new LabStateConflictError(
          lab.state,
          `The lab is ${lab.state.toLowerCase()}; only a running lab can end.`,
        );
      if (lab.state === 'RUNNING') await this.labs.markEnded(scope, labId, tx);
      // Ending an ended lab again still ends anything left live, so a retried request is harmless.
      const outcome = await this.revoke(scope, { labId }, 'lab', 'lab-ended', tx);
      await this.record(tx, scope, 'lab.ended', 'lab', labId, outcome, { trigger });
      return outcome;
    });
    return result && { labId, state: 'ENDED', ...result };
  }

  /**
   * A change that ends students' access to a course — `change` runs first in the same transaction — and the
   * revocation of their live sessions in that course's labs, through the same path as any revocation
   * (REVOKED only once IAM accepted the deny). Their open streams are told to re-check their tokens.
   */
  async endAccess(scope: TenantScope, change: (tx: Tx) => Promise<Leavers | null>): Promise<RevocationResult | null> {
    const { tenantId } = scope;
    let leavers: Leavers | null = null;
    const result = await this.run(async (tx) => {
      leavers = await change(tx);
      if (!leavers) return null;
      const { studentIds, courseIds } = leavers;
      const selector: SessionSelector = { studentIds, ...(courseIds ? { courseIds } : {}) };
      const labIds = studentIds.length ? await this.sessions.labIdsOf(scope, selector, tx) : [];
      await this.lockLabs(scope, labIds, tx);
      const outcome = studentIds.length
        ? await this.revoke(scope, selector, 'sessions', 'access-ended', tx)
        : emptyOutcome();
      await this.record(tx, scope, leavers.action, leavers.subjectType, leavers.subjectId, outcome, leavers.summary);
      return outcome;
    });
    const ended = leavers as Leavers | null;
    // After commit, never an error for the committed change: a stream that misses this re-checks its token at its next event.
    if (ended)
      await this.push
        .publish(ended.studentIds.map((studentId) => accessEndedEvent(tenantId, studentId, ended.action)))
        .catch((error: Error) => this.warnNotTold(error));
    return result;
  }

  private warnNotTold(error: Error): void {
    new Logger(RevocationRequestsService.name).warn(
      { err: error.message },
      'could not tell open streams that access ended',
    );
  }

  /** Tells a student's open streams that one of their access tokens stopped being current (a link re-issued). */
  async tokenReplaced(tenantId: string, studentId: string): Promise<void> {
    await this.push.publish([accessEndedEvent(tenantId, studentId, 'enrollment.access-link-reissued')]);
  }

  private async revoke(
    scope: TenantScope,
    selector: SessionSelector,
    kind: RevokeScope,
    reason: string,
    tx: Tx,
    revokeReason?: string,
  ) {
    return revokeLiveSessions(
      { sessions: this.sessions, entries: this.entries },
      scope,
      selector,
      kind,
      reason,
      { ...(await this.options(tx)), revokeReason: revokeReason ?? null },
      tx,
    );
  }

  /** The revocation instant by the database's clock, so every deadline LabKeys compares is on one clock. */
  private async options(tx: Tx): Promise<RevokeOptions> {
    const now = await this.clock.now(tx);
    return { now, marginMs: this.config.revocationClockMarginMs };
  }

  /** Same lock as lab start and renewal, taken in id order so two requests never deadlock. */
  private async lockLabs(scope: TenantScope, labIds: string[], tx: Tx): Promise<LockedLab[]> {
    const locked: LockedLab[] = [];
    for (const id of [...new Set(labIds)].sort()) {
      const lab = await this.labs.lockForUpdate(scope, id, tx);
      if (!lab) throw new NotFoundError('Lab not found.');
      locked.push(lab);
    }
    return locked;
  }

  private run<T extends RevokeOutcome | null>(
    work: (tx: Tx) => Promise<T>,
  ): Promise<T extends null ? RevocationResult | null : RevocationResult>;
  private async run(work: (tx: Tx) => Promise<RevokeOutcome | null>): Promise<RevocationResult | null> {
    const outcome = await this.uow.run(work, { timeout: 30_000 });
    if (!outcome) return null;
    // After commit, so the worker reads the entries; fixed job ids coalesce a burst per role. A failure here
    // must not answer an error for a committed revocation: the sweep re-adds the job of every role with
    // PENDING entries, and the sessions' state is in Postgres for the API to show.
    try {
      for (const role of outcome.roles) await this.producer.add(JobName.ApplyRevocations, role);
      await this.push.publish(outcome.events);
    } catch (error) {
      this.logger.warn(
        { roles: outcome.roles.length, err: (error as Error).message },
        'could not enqueue revocation after commit; the repair sweep will',
      );
    }
    return { revoked: outcome.revoked, revoking: outcome.revoking };
  }

  private record(
    tx: Tx,
    scope: TenantScope,
    action: string,
    subjectType: string,
    subjectId: string,
    o: RevokeOutcome,
    extra: Record<string, unknown> = {},
  ) {
    const sessions = o.events.map((e) => ({ sessionId: e.sessionId, state: e.state }));
    return this.audit.record(
      scope,
      {
        action,
        subjectType,
        subjectId,
        summary: jsonInputOf({ ...extra, revoked: o.revoked, revoking: o.revoking, sessions }),
      },
      tx,
    );
  }
}

/** The instructor's reason in the audit row of a revocation, when they gave one. */
const reasonOf = (reason: string | undefined): Record<string, unknown> => (reason ? { reason } : {});

const emptyOutcome = (): RevokeOutcome => ({ revoked: 0, revoking: 0, roles: [], events: [] });
