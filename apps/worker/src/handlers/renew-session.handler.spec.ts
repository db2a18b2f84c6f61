import { AuditWriter, type AuditEntry } from '@labkeys/core';
import {
  tenantScopeOf,
  type LabRepository,
  type LabSession,
  type LabSessionRepository,
  type LockedLab,
  type TenantScope,
  type Tx,
  type UnitOfWork,
} from '@labkeys/database';
import { JOB_CATALOGUE, JobName, type JobProducer } from '@labkeys/queues';
import type { FakeOf } from '@labkeys/testing';
import { RenewSessionHandler } from './renew-session.handler';

const TENANT = '0190a000-0000-7000-8000-000000000001';
const LAB = '0190a000-0000-7000-8000-0000000000a1';
const COURSE = '0190a000-0000-7000-8000-0000000000e1';
const STUDENT = '0190a000-0000-7000-8000-0000000000b1';
const SESSION = '0190a000-0000-7000-8000-0000000000c1';
const EXPIRES_AT = new Date('2026-03-02T11:00:00.000Z');
const TX = { transaction: 'renewal' } as unknown as Tx;

function activeSession(): LabSession {
  const at = new Date('2026-03-02T10:00:00.000Z');
  return {
    id: SESSION,
    tenantId: TENANT,
    labId: LAB,
    studentId: STUDENT,
    state: 'ACTIVE',
    predecessorId: null,
    roleSessionName: 'lk-ada-0190a000',
    attempts: 1,
    firstAttemptAt: at,
    failureCode: null,
    failureReason: null,
    accessKeyId: 'ASIAUNITTEST0000001',
    sealedSecret: null,
    sealKeyId: 'unit',
    assumedRoleId: 'AROAUNITTEST:lk-ada-0190a000',
    assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/LabStudent/lk-ada-0190a000',
    connectionId: '0190a000-0000-7000-8000-0000000000d1',
    roleArn: 'arn:aws:iam::123456789012:role/LabStudent',
    expiringNotifiedAt: null,
    issuedAt: at,
    expiresAt: EXPIRES_AT,
    revokeRequestedAt: null,
    revokeReason: null,
    endedAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

class RecordingAudit extends AuditWriter {
  readonly entries: { scope: TenantScope; entry: AuditEntry; tx: Tx }[] = [];

  protected async write(scope: TenantScope, entry: AuditEntry, tx: Tx): Promise<void> {
    this.entries.push({ scope, entry, tx });
  }
}

/** One lab, one student, their sessions; every read and write must come through the renewal's transaction. */
function setUp() {
  const rows: LabSession[] = [activeSession()];
  const enrolled = new Set([`${COURSE}:${STUDENT}`]);
  const lab: LockedLab = { id: LAB, state: 'RUNNING', courseId: COURSE, endsAt: null, autoRenew: true };
  const outsideTx: string[] = [];
  const inTx = (method: string, tx: Tx | undefined) => {
    if (tx !== TX) outsideTx.push(method);
  };
  const mine = (scope: TenantScope, id: string) =>
    rows.find((r) => r.tenantId === scope.tenantId && r.id === id) ?? null;
  /** Runs when the lab's lock is granted: what committed while the renewal waited for it. */
  let onLock = () => {};
  let locks = 0;

  const sessions: FakeOf<
    LabSessionRepository,
    'findWithStudentHandle' | 'isEnrolled' | 'findState' | 'findSuccessor' | 'createSuccessor'
  > = {
    async findWithStudentHandle(scope, sessionId, tx) {
      inTx('findWithStudentHandle', tx);
      const row = mine(scope, sessionId);
      return row && { ...row, student: { handle: 'ada' } };
    },
    async isEnrolled(scope, courseId, studentId, tx) {
      inTx('isEnrolled', tx);
      return scope.tenantId === TENANT && enrolled.has(`${courseId}:${studentId}`);
    },
    async findState(scope, sessionId, tx) {
      inTx('findState', tx);
      const row = mine(scope, sessionId);
      return row && { state: row.state };
    },
    async findSuccessor(scope, predecessorId, tx) {
      inTx('findSuccessor', tx);
      const row = rows.find((r) => r.tenantId === scope.tenantId && r.predecessorId === predecessorId);
      return row ? { id: row.id } : null;
    },
    async createSuccessor(scope, session, tx) {
      inTx('createSuccessor', tx);
      rows.push({
        ...activeSession(),
        ...session,
        tenantId: scope.tenantId,
        state: 'PENDING',
        expiresAt: null,
        issuedAt: null,
        accessKeyId: null,
        assumedRoleId: null,
        assumedRoleArn: null,
      });
    },
  };
  const labs: FakeOf<LabRepository, 'lockForUpdate'> = {
    async lockForUpdate(scope, labId, tx) {
      inTx('lockForUpdate', tx);
      locks++;
      onLock();
      return scope.tenantId === TENANT && labId === LAB ? { ...lab } : null;
    },
  };
  const uow: Pick<UnitOfWork, 'run'> = { run: (work) => work(TX) };
  const producer: jest.Mocked<Pick<JobProducer, 'add'>> = { add: jest.fn().mockResolvedValue(undefined) };
  const audit = new RecordingAudit();
  const handler = new RenewSessionHandler(
    uow as UnitOfWork,
    labs as unknown as LabRepository,
    sessions as unknown as LabSessionRepository,
    producer as unknown as JobProducer,
    audit,
  );
  return {
    rows,
    enrolled,
    lab,
    outsideTx,
    producer,
    audit,
    whenLocked: (fn: () => void) => (onLock = fn),
    locks: () => locks,
    handle: () => handler.handle({ tenantId: TENANT, sessionId: SESSION }),
    successors: () => rows.filter((r) => r.predecessorId === SESSION),
  };
}

describe('RenewSessionHandler', () => {
  it('creates one PENDING successor for the same student and lab, records it, and queues its issuance', async () => {
    const t = setUp();

    await expect(t.handle()).resolves.toBe('renewed');

    const [successor] = t.successors();
    expect(t.successors()).toHaveLength(1);
    expect(successor).toEqual(
      expect.objectContaining({
        tenantId: TENANT,
        labId: LAB,
        studentId: STUDENT,
        state: 'PENDING',
        predecessorId: SESSION,
      }),
    );
    expect(successor.id).not.toBe(SESSION);
    expect(successor.roleSessionName).toBe(`lk-ada-${successor.id.replace(/-/g, '').slice(0, 8)}`);
    expect(t.audit.entries).toEqual([
      {
        scope: tenantScopeOf(TENANT),
        entry: {
          action: 'session.renewal-started',
          subjectType: 'session',
          subjectId: successor.id,
          summary: { predecessorId: SESSION },
        },
        tx: TX,
      },
    ]);
    expect(t.producer.add.mock.calls).toEqual([[JobName.IssueSession, { tenantId: TENANT, sessionId: successor.id }]]);
    expect(t.outsideTx).toEqual([]);
  });

  it('creates the successor once however often the job runs; a rerun re-queues the same issuance job', async () => {
    const t = setUp();

    await t.handle();
    await expect(t.handle()).resolves.toBe('renewed');

    expect(t.successors()).toHaveLength(1);
    expect(t.audit.entries).toHaveLength(1);
    const [first, second] = t.producer.add.mock.calls.map(([, payload]) =>
      JOB_CATALOGUE[JobName.IssueSession].jobId!(payload as never),
    );
    expect(second).toBe(first);
    expect(first).toBe(`issue-${t.successors()[0].id}`);
  });

  it.each([
    ['is no longer running', (t: ReturnType<typeof setUp>) => (t.lab.state = 'ENDED')],
    ['does not auto-renew', (t: ReturnType<typeof setUp>) => (t.lab.autoRenew = false)],
    ['ends before the session expires', (t: ReturnType<typeof setUp>) => (t.lab.endsAt = EXPIRES_AT)],
  ])('renews nothing when the lab %s', async (_, change) => {
    const t = setUp();
    change(t);

    await expect(t.handle()).resolves.toBe('skipped');

    expect(t.successors()).toEqual([]);
    expect(t.audit.entries).toEqual([]);
    expect(t.producer.add).not.toHaveBeenCalled();
  });

  it('renews nothing for a student no longer enrolled in the course', async () => {
    const t = setUp();
    t.enrolled.clear();

    await expect(t.handle()).resolves.toBe('skipped');

    expect(t.successors()).toEqual([]);
    expect(t.producer.add).not.toHaveBeenCalled();
  });

  it("renews nothing when a revocation committed while it waited for the lab's lock", async () => {
    const t = setUp();
    t.whenLocked(() => (t.rows[0].state = 'REVOKING'));

    await expect(t.handle()).resolves.toBe('skipped');

    expect(t.successors()).toEqual([]);
    expect(t.producer.add).not.toHaveBeenCalled();
  });

  it('renews nothing, and takes no lock, for a session that is no longer ACTIVE', async () => {
    const t = setUp();
    t.rows[0].state = 'EXPIRED';

    await expect(t.handle()).resolves.toBe('skipped');

    expect(t.locks()).toBe(0);
    expect(t.successors()).toEqual([]);
    expect(t.producer.add).not.toHaveBeenCalled();
  });

  it('creates no second successor when one exists already', async () => {
    const t = setUp();
    const existing = {
      ...activeSession(),
      id: '0190a000-0000-7000-8000-0000000000c2',
      state: 'ACTIVE' as const,
      predecessorId: SESSION,
    };
    t.rows.push(existing);

    await t.handle();

    expect(t.successors()).toEqual([existing]);
    expect(t.audit.entries).toEqual([]);
    // Only its issuance job is added again, under the id BullMQ already holds.
    expect(t.producer.add.mock.calls).toEqual([[JobName.IssueSession, { tenantId: TENANT, sessionId: existing.id }]]);
  });
});
