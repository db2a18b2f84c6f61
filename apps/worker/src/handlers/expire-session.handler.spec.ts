import type { Job } from 'bullmq';
import { AppConfig, loadEnv } from '@labkeys/config';
import type { LabSessionRepository, SessionState } from '@labkeys/database';
import type { PushEvent, PushPublisher } from '@labkeys/push';
import { JOB_CATALOGUE, JobName, type JobOf, type JobProducer } from '@labkeys/queues';
import type { FakeOf } from '@labkeys/testing';
import { ExpireSessionHandler } from './expire-session.handler';

const TENANT = '0190a000-0000-7000-8000-000000000001';
const LAB = '0190a000-0000-7000-8000-0000000000a1';
const STUDENT = '0190a000-0000-7000-8000-0000000000b1';
const SESSION = '0190a000-0000-7000-8000-0000000000c1';
const EXPIRES_AT = Date.parse('2026-03-02T11:00:00.000Z');
const NOTICE_MS = 300_000;

const config = new AppConfig(loadEnv({ EXPIRING_NOTICE_SECONDS: String(NOTICE_MS / 1000) }));

interface Row {
  id: string;
  tenantId: string;
  labId: string;
  studentId: string;
  state: SessionState;
  expiresAt: Date | null;
  expiringNotifiedAt: Date | null;
}

/** One session and a clock that is both the database's and the process's (they agree here). */
function setUp(state: SessionState = 'ACTIVE') {
  let now = EXPIRES_AT - NOTICE_MS;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const rows: Row[] = [
    {
      id: SESSION,
      tenantId: TENANT,
      labId: LAB,
      studentId: STUDENT,
      state,
      expiresAt: new Date(EXPIRES_AT),
      expiringNotifiedAt: null,
    },
  ];
  const mine = (tenantId: string, id: string) => rows.find((r) => r.tenantId === tenantId && r.id === id);
  const noticeClaims: number[] = [];

  const sessions: FakeOf<LabSessionRepository, 'expireIfDue' | 'find' | 'claimExpiringNotice'> = {
    async expireIfDue(scope, sessionId) {
      const row = mine(scope.tenantId, sessionId);
      if (!row || row.state !== 'ACTIVE' || !row.expiresAt || row.expiresAt.getTime() > now) return null;
      row.state = 'EXPIRED';
      return { labId: row.labId, studentId: row.studentId };
    },
    async find(scope, sessionId) {
      const row = mine(scope.tenantId, sessionId);
      return row
        ? { id: row.id, state: row.state, expiresAt: row.expiresAt, labId: row.labId, studentId: row.studentId }
        : null;
    },
    async claimExpiringNotice(scope, sessionId, noticeMs) {
      noticeClaims.push(noticeMs);
      const row = mine(scope.tenantId, sessionId);
      if (!row || row.state !== 'ACTIVE' || row.expiringNotifiedAt || !row.expiresAt) return null;
      const left = row.expiresAt.getTime() - now;
      if (left <= 0 || left > noticeMs) return null;
      row.expiringNotifiedAt = new Date(now);
      return { labId: row.labId, studentId: row.studentId, expiresAt: row.expiresAt };
    },
  };
  const producer: jest.Mocked<Pick<JobProducer, 'add'>> = { add: jest.fn().mockResolvedValue(undefined) };
  const push: jest.Mocked<Pick<PushPublisher, 'publish'>> = { publish: jest.fn().mockResolvedValue(undefined) };
  const handler = new ExpireSessionHandler(
    sessions as unknown as LabSessionRepository,
    producer as unknown as JobProducer,
    push as unknown as PushPublisher,
    config,
  );
  return {
    row: rows[0],
    noticeClaims,
    producer,
    at: (ms: number) => (now = ms),
    handle: (payload: JobOf<JobName.ExpireSession> = { tenantId: TENANT, sessionId: SESSION }) =>
      handler.handle(payload, { timestamp: now, delay: 0 } as Job<JobOf<JobName.ExpireSession>>),
    pushed: (): PushEvent[] => push.publish.mock.calls.flat(2),
    /** The payload of the job the handler put back, as the catalogue would run it. */
    requeued: () => producer.add.mock.calls.at(-1)![1] as JobOf<JobName.ExpireSession>,
  };
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('ExpireSessionHandler', () => {
  it('ends a due ACTIVE session EXPIRED and tells the student', async () => {
    const t = setUp();
    t.at(EXPIRES_AT);

    await expect(t.handle()).resolves.toBe('expired');

    expect(t.row.state).toBe('EXPIRED');
    expect(t.pushed()).toEqual([
      expect.objectContaining({
        type: 'session.ended',
        tenantId: TENANT,
        labId: LAB,
        studentId: STUDENT,
        sessionId: SESSION,
        state: 'EXPIRED',
        detail: { reason: 'expired' },
      }),
    ]);
    expect(t.producer.add).not.toHaveBeenCalled();
  });

  it('a notice period early, tells the student it is expiring and puts itself back for the expiry under its own job id', async () => {
    const t = setUp();

    await expect(t.handle()).resolves.toBe('rescheduled');

    expect(t.row.state).toBe('ACTIVE');
    expect(t.noticeClaims).toEqual([NOTICE_MS + 1000]);
    expect(t.pushed()).toEqual([
      expect.objectContaining({
        type: 'session.expiring',
        sessionId: SESSION,
        state: 'ACTIVE',
        detail: { expiresAt: new Date(EXPIRES_AT).toISOString(), secondsLeft: NOTICE_MS / 1000 },
      }),
    ]);
    expect(t.producer.add.mock.calls).toEqual([
      [JobName.ExpireSession, { tenantId: TENANT, sessionId: SESSION, at: EXPIRES_AT }, { delay: NOTICE_MS }],
    ]);
    // A different id from the running job's, so BullMQ does not drop the put-back job as a duplicate.
    const jobId = JOB_CATALOGUE[JobName.ExpireSession].jobId!;
    expect(jobId(t.requeued())).toBe(`expire-${SESSION}-${EXPIRES_AT}`);
    expect(jobId(t.requeued())).not.toBe(jobId({ tenantId: TENANT, sessionId: SESSION }));
  });

  it('tells the student once: the put-back job that fires early again does not tell, and expires it when due', async () => {
    const t = setUp();
    await t.handle();

    t.at(EXPIRES_AT - 2_000);
    await expect(t.handle(t.requeued())).resolves.toBe('rescheduled');
    expect(t.producer.add.mock.calls.at(-1)).toEqual([
      JobName.ExpireSession,
      { tenantId: TENANT, sessionId: SESSION, at: EXPIRES_AT },
      { delay: 2_000 },
    ]);

    t.at(EXPIRES_AT + 5);
    await expect(t.handle(t.requeued())).resolves.toBe('expired');

    expect(t.pushed().map((e) => e.type)).toEqual(['session.expiring', 'session.ended']);
    expect(t.noticeClaims).toHaveLength(1);
  });

  it('does not tell again when the sweep told the student first, but still puts itself back', async () => {
    const t = setUp();
    t.row.expiringNotifiedAt = new Date(EXPIRES_AT - NOTICE_MS - 1_000);

    await expect(t.handle()).resolves.toBe('rescheduled');

    expect(t.pushed()).toEqual([]);
    expect(t.producer.add).toHaveBeenCalledTimes(1);
  });

  it.each<SessionState>(['REVOKED', 'REVOKING', 'EXPIRED', 'FAILED'])(
    'skips a session in state %s: nothing told, nothing queued',
    async (state) => {
      const t = setUp(state);

      await expect(t.handle()).resolves.toBe('skipped');

      expect(t.row.state).toBe(state);
      expect(t.pushed()).toEqual([]);
      expect(t.producer.add).not.toHaveBeenCalled();
    },
  );

  it('skips a session that is gone', async () => {
    const t = setUp();

    await expect(t.handle({ tenantId: TENANT, sessionId: '0190a000-0000-7000-8000-0000000000c9' })).resolves.toBe(
      'skipped',
    );

    expect(t.producer.add).not.toHaveBeenCalled();
  });
});
