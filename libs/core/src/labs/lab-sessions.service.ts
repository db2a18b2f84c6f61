import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  LabRepository,
  LabSessionRepository,
  LIVE_SESSION_STATES,
  tenantScopeOf,
  UnitOfWork,
  type LockedLab,
  type TenantScope,
  type Tx,
} from '@labkeys/database';
import { PushPublisher, sessionEvent, type PushEvent } from '@labkeys/push';
import { JobName, JobProducer } from '@labkeys/queues';
import { roleSessionNameFor } from '@labkeys/templates';
import { AuditWriter } from '../audit/audit-writer';
import { LabStateConflictError, NotFoundError } from '../errors/domain-errors';
import {
  ConnectionNotVerifiedError,
  unverifiedConnectionOf,
  type UnverifiedConnection,
} from './connection-not-verified.error';

/** A class of 1,000 is one transaction: its rows, under the lab's lock, get the time a busy database needs (Prisma's default is 5 s). */
const LAB_WRITE_TX = { timeout: 30_000, maxWait: 10_000 };

export interface StartLabResult {
  labId: string;
  state: 'RUNNING';
  created: number;
  alreadyLive: number;
  queued: number;
}

/** A scheduled start refused because the lab's connection failed its last verify; the lab stays SCHEDULED. */
export interface RefusedStartResult {
  labId: string;
  state: 'SCHEDULED';
  refused: UnverifiedConnection;
}

/**
 * Starting a lab, and issuing for students who join a running one: one
 * transaction creates a PENDING session per enrolled student without a live
 * one; after commit, one issuance job per pending session is added in bulk
 * (job id from the session id, so adding it again is harmless).
 */
@Injectable()
export class LabSessionsService {
  private readonly logger = new Logger(LabSessionsService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly labs: LabRepository,
    private readonly sessions: LabSessionRepository,
    private readonly producer: JobProducer,
    private readonly audit: AuditWriter,
    private readonly push: PushPublisher,
  ) {}

  /**
   * The one start path (manual and scheduled). A lab whose connection failed its last verify does not start:
   * a manual start answers 409 naming the connection; a scheduled one records `lab.start-refused` and leaves the
   * lab SCHEDULED without throwing, so neither the StartLab job nor the sweep retries it in a loop (the sweep
   * skips labs on such connections) and it starts at the next sweep once the connection verifies again.
   */
  async startLab(scope: TenantScope, labId: string, trigger: 'manual'): Promise<StartLabResult>;
  async startLab(scope: TenantScope, labId: string, trigger: 'schedule'): Promise<StartLabResult | RefusedStartResult>;
  async startLab(
    scope: TenantScope,
    labId: string,
    trigger: 'manual' | 'schedule',
  ): Promise<StartLabResult | RefusedStartResult> {
    const { tenantId } = scope;
    const result = await this.uow.run(async (tx) => {
      const lab = await this.lockLab(scope, labId, tx);
      if (lab.state === 'CANCELLED' || lab.state === 'ENDED') {
        throw new LabStateConflictError(lab.state, `The lab is ${lab.state.toLowerCase()} and cannot start.`);
      }
      const unverified = await unverifiedConnectionOf(this.labs, scope, labId, tx);
      if (unverified) {
        if (trigger === 'manual') throw new ConnectionNotVerifiedError(unverified);
        await this.audit.record(
          scope,
          {
            action: 'lab.start-refused',
            subjectType: 'lab',
            subjectId: labId,
            summary: {
              trigger,
              connectionId: unverified.id,
              connectionName: unverified.name,
              failures: unverified.failures,
            },
          },
          tx,
        );
        return { refused: unverified };
      }
      if (lab.state === 'SCHEDULED') {
        await this.labs.markRunning(scope, labId, tx);
      }
      const { created, alreadyLive, queued } = await this.createMissingSessions(scope, labId, lab.courseId, tx);
      await this.audit.record(
        scope,
        {
          action: 'lab.started',
          subjectType: 'lab',
          subjectId: labId,
          summary: { trigger, created, alreadyLive, wasRunning: lab.state === 'RUNNING' },
        },
        tx,
      );
      return { created, alreadyLive, endsAt: lab.endsAt, events: queued };
    }, LAB_WRITE_TX);
    if (result.refused) return { labId, state: 'SCHEDULED', refused: result.refused };
    const { endsAt, events, ...counts } = result;
    await this.tellQueued(tenantId, labId, events);
    const queued = await this.afterCommit(tenantId, labId, async () => {
      // The end job is checked against the lab's end time when it runs; the sweep catches a moved end time.
      if (endsAt)
        await this.producer.add(
          JobName.EndLab,
          { tenantId, labId },
          { delay: Math.max(0, endsAt.getTime() - Date.now()) },
        );
      return this.enqueuePending(scope, labId);
    });
    return { labId, state: 'RUNNING', ...counts, queued };
  }

  /** Students newly enrolled in a course get sessions in its running labs. */
  async issueForNewEnrollments(tenantId: string, courseId: string, studentIds: string[]): Promise<number> {
    // Takes the caller's TenantScope once the enrollment use cases have one.
    const scope = tenantScopeOf(tenantId);
    if (studentIds.length === 0) return 0;
    const labs = await this.labs.runningIdsOfCourse(scope, courseId);
    let created = 0;
    for (const lab of labs) {
      const queued: PushEvent[] = [];
      created += await this.uow.run(async (tx) => {
        const locked = await this.lockLab(scope, lab.id, tx);
        if (locked.state !== 'RUNNING') return 0;
        const result = await this.createMissingSessions(scope, lab.id, locked.courseId, tx, studentIds);
        queued.push(...result.queued);
        if (result.created > 0) {
          await this.audit.record(
            scope,
            {
              action: 'lab.sessions-added',
              subjectType: 'lab',
              subjectId: lab.id,
              summary: { created: result.created },
            },
            tx,
          );
        }
        return result.created;
      }, LAB_WRITE_TX);
      await this.tellQueued(tenantId, lab.id, queued);
      await this.afterCommit(tenantId, lab.id, () => this.enqueuePending(scope, lab.id));
    }
    return created;
  }

  /**
   * Enqueueing after commit must not turn a committed start into an error (the caller would retry a change
   * that happened): a failure is logged and 0 counted as queued; the sweep re-queues PENDING sessions that
   * have no job, and ends labs past their end time.
   */
  private async afterCommit(tenantId: string, labId: string, enqueue: () => Promise<number>): Promise<number> {
    try {
      return await enqueue();
    } catch (error) {
      this.logger.warn(
        { tenantId, labId, err: (error as Error).message },
        'could not enqueue after commit; the repair sweep will queue the pending sessions',
      );
      return 0;
    }
  }

  /**
   * Tells the new sessions' students (and the lab's stream) before their jobs are added, so no issuance can
   * overtake it. Not being told is no reason to hold issuance back: the pages learn it from the next event.
   */
  private async tellQueued(tenantId: string, labId: string, events: PushEvent[]): Promise<void> {
    await this.push.publish(events).catch((error: Error) => {
      this.logger.warn({ tenantId, labId, err: error.message }, 'could not tell the streams of the new sessions');
    });
  }

  /** (Re)adds the issuance job of every pending session of a lab; ids make repeats no-ops. */
  async enqueuePending(scope: TenantScope, labId: string): Promise<number> {
    const { tenantId } = scope;
    const pending = await this.sessions.pendingIdsOfLab(scope, labId);
    await this.producer.addBulk(
      JobName.IssueSession,
      pending.map((sessionId) => ({ tenantId, sessionId })),
    );
    return pending.length;
  }

  /** Serialises concurrent starts and enrollments of one lab, so no student gets two sessions. */
  private async lockLab(scope: TenantScope, labId: string, tx: Tx): Promise<LockedLab> {
    const lab = await this.labs.lockForUpdate(scope, labId, tx);
    if (!lab) throw new NotFoundError('Lab not found.');
    return lab;
  }

  private async createMissingSessions(
    scope: TenantScope,
    labId: string,
    courseId: string,
    tx: Tx,
    onlyStudents?: string[],
  ) {
    const enrolled = await this.sessions.enrolledStudents(scope, courseId, onlyStudents, tx);
    // A revoked student stays revoked: starting the lab again must not hand them new credentials.
    const live = await this.sessions.studentIdsInStates(
      scope,
      labId,
      [...LIVE_SESSION_STATES, 'REVOKING', 'REVOKED'],
      tx,
    );
    const hasLive = new Set(live);
    const missing = enrolled.filter((student) => !hasLive.has(student.id));
    const rows = missing.map((student) => {
      const id = randomUUID();
      return {
        id,
        labId,
        studentId: student.id,
        roleSessionName: roleSessionNameFor({ studentHandle: student.handle, sessionId: id }),
      };
    });
    await this.sessions.createPending(scope, rows, tx);
    // Told after commit: the students' pages switch to "being issued" and follow their class's progress.
    const queued = rows.map((row) =>
      sessionEvent('session.queued', { tenantId: scope.tenantId, sessionId: row.id, ...row }, 'PENDING'),
    );
    return { created: rows.length, alreadyLive: enrolled.length - rows.length, queued };
  }
}
