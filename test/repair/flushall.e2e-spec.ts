import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { jobIdOf, JobName, JobProducer, QueueName } from '@labkeys/queues';
import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';
import { freePort, PrivateRedis } from '../support/redis-server';

const EXTERNAL_ID = 'school-external-id-flushall';
const SWEEP_MS = 2000;
const STUDENTS = 60;
const DUE = 10;

/**
 * Issue 6, acceptance 2. Redis loses everything (FLUSHALL) while a lab is half issued and some
 * sessions are about to expire: their issuance and expiry jobs are gone, and so is the sweep's
 * schedule. Postgres is the truth, so the repair sweep must re-derive all of it.
 */
describe('a Redis flush in the middle of a running lab', () => {
  let redis: PrivateRedis;
  let pipeline: Pipeline;
  let room: Classroom;
  let ending: Classroom;

  beforeAll(async () => {
    // A Redis of its own: FLUSHALL here must not wipe the other suites' queues.
    redis = new PrivateRedis(await freePort());
    await redis.start();
    pipeline = await startPipeline([EXTERNAL_ID], {
      REDIS_URL: redis.url,
      SWEEP_INTERVAL_SECONDS: String(SWEEP_MS / 1000),
      ISSUE_LEASE_SECONDS: '5',
      WORKER_CONCURRENCY: '8',
      API_RATE_LIMIT_PER_MINUTE: '100000',
    });
    // Slow enough that most of the class is still PENDING at the flush.
    pipeline.aws.faults = { latencyByAction: { 'sts:AssumeRole': 800 } };
    room = await createClassroom(pipeline.prisma, {
      students: STUDENTS,
      endpoint: pipeline.aws.url,
      externalId: EXTERNAL_ID,
    });
    ending = await createClassroom(pipeline.prisma, {
      students: DUE,
      endpoint: pipeline.aws.url,
      externalId: EXTERNAL_ID,
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await redis?.stop();
  });

  const count = (labId: string, state: string) =>
    pipeline.prisma.labSession.count({ where: { labId, state: state as never } });

  it('the sweep re-queues every pending session and expires every due one, on time; the class then issues in full', async () => {
    const { prisma, api, worker, aws } = pipeline;
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(async () => expect(await count(room.labId, 'ACTIVE')).toBeGreaterThanOrEqual(4), 20000, 50);

    // Sessions due shortly after the flush (arranged once the class is under way, so a slow start cannot
    // make them due before it), with their expiry jobs queued as issuance queues them.
    await prisma.lab.update({ where: { id: ending.labId }, data: { state: 'RUNNING', startedAt: new Date() } });
    const dueAt = new Date(Date.now() + 1500);
    const due = ending.students.map((s) => ({
      id: randomUUID(),
      tenantId: ending.tenantId,
      labId: ending.labId,
      studentId: s.id,
      roleSessionName: `lk-${s.handle}`,
      state: 'ACTIVE' as const,
      accessKeyId: `ASIAFLUSH${randomBytes(6).toString('hex').toUpperCase()}`,
      sealedSecret: new Uint8Array(randomBytes(64)),
      sealKeyId: 'k1',
      issuedAt: new Date(),
      expiresAt: dueAt,
    }));
    await prisma.labSession.createMany({ data: due });
    const producer = worker.app.get(JobProducer);
    for (const s of due)
      await producer.add(
        JobName.ExpireSession,
        { tenantId: s.tenantId, sessionId: s.id },
        { delay: dueAt.getTime() - Date.now() },
      );

    // Flush between two sweeps, as a flush at a random moment almost always is (a sweep takes
    // milliseconds of its interval). A sweep job in flight would re-create its schedule when it
    // finishes, which would hide whether the worker restores the schedule by itself.
    const maintenance = producer.queue(QueueName.Maintenance);
    await eventually(async () => expect(await maintenance.getActiveCount()).toBe(0), 5000, 10);
    const flush = new Redis(redis.url);
    await flush.flushall();
    const flushedAt = Date.now();
    flush.disconnect();
    const pendingAtFlush = await count(room.labId, 'PENDING');
    expect(pendingAtFlush).toBeGreaterThan(STUDENTS / 2);
    expect(dueAt.getTime()).toBeGreaterThan(flushedAt);
    // From here on STS answers quickly: the bound below is about repair, not about STS's pace.
    aws.faults = { latencyByAction: { 'sts:AssumeRole': 10 } };

    // Within two sweep intervals of the flush (and of the due time) the repair is done: every due session EXPIRED, and every class
    // session still PENDING has its issuance job in Redis again. (How fast the re-queued jobs then run is the
    // worker's throughput on a busy machine, not the repair's timing; that they all run is checked below.)
    const issuance = producer.queue(QueueName.Issuance);
    const pendingWithoutJob = async (): Promise<number> => {
      const pending = await prisma.labSession.findMany({
        where: { labId: room.labId, state: 'PENDING' },
        select: { id: true, tenantId: true },
      });
      const jobs = await Promise.all(
        pending.map((p) => issuance.getJob(jobIdOf(JobName.IssueSession, { tenantId: p.tenantId, sessionId: p.id })!)),
      );
      return jobs.filter((job) => !job).length;
    };
    const twoSweeps = Math.max(flushedAt, dueAt.getTime()) + 2 * SWEEP_MS;
    await eventually(
      async () => {
        expect(await count(ending.labId, 'EXPIRED')).toBe(DUE);
        expect(await pendingWithoutJob()).toBe(0);
      },
      Math.max(0, twoSweeps - Date.now()),
      100,
    ).catch(async (error: unknown) => {
      const states = await prisma.labSession.groupBy({
        by: ['labId', 'state'],
        _count: true,
        where: { labId: { in: [room.labId, ending.labId] } },
      });
      // Says whether the sweep's own schedule survived the flush, which is what the repair depends on.
      const schedulers = await maintenance.getJobSchedulersCount();
      const summary = JSON.stringify(states.map((s) => [s.labId === room.labId ? 'class' : 'due', s.state, s._count]));
      throw new Error(
        `${SWEEP_MS * 2} ms after FLUSHALL: ${summary}; sweep schedulers in Redis: ${schedulers}; ${String(error)}`,
      );
    });

    await eventually(async () => expect(await count(room.labId, 'ACTIVE')).toBe(STUDENTS), 60000, 100);

    // None stayed ACTIVE past its expiry plus one sweep interval, and each secret is gone.
    const ended = await prisma.labSession.findMany({
      where: { labId: ending.labId },
      select: { state: true, endedAt: true, expiresAt: true, sealedSecret: true },
    });
    for (const s of ended) {
      expect(s.state).toBe('EXPIRED');
      expect(s.sealedSecret).toBeNull();
      expect(s.endedAt!.getTime() - s.expiresAt!.getTime()).toBeLessThanOrEqual(SWEEP_MS);
    }
    const issued = await prisma.labSession.findMany({ where: { labId: room.labId } });
    expect(new Set(issued.map((s) => s.studentId)).size).toBe(STUDENTS);
  });
});
