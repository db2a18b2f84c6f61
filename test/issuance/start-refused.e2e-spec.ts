import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { JOB_CATALOGUE, jobIdOf, JobName, JobProducer, QueueName } from '@labkeys/queues';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-start-refused';

/** Backends of this run's database waiting for a row lock on the labs table (the start's `FOR UPDATE`). */
async function labLockWaiters(prisma: PrismaClient): Promise<number> {
  const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%labs%'`;
  return n;
}

describe("a scheduled start refused by the lab's state is a permanent failure", () => {
  let aws: AwsLocal;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    room = await createClassroom(prisma, { students: 3, endpoint: aws.url, externalId: EXTERNAL_ID });
    // Not due yet, so the sweep run at boot leaves it alone.
    await prisma.lab.update({ where: { id: room.labId }, data: { startsAt: new Date(Date.now() + 3_600_000) } });
    worker = await startTestWorker({ QUEUE_PREFIX: specQueuePrefix('refused'), SWEEP_INTERVAL_SECONDS: '3600' });
    const maintenance = worker.app.get(JobProducer).queue(QueueName.Maintenance);
    await eventually(async () => {
      if ((await maintenance.getJobCounts('completed')).completed < 1) throw new Error('boot sweep not finished');
    }, 30_000);
  });
  afterAll(async () => {
    await worker?.close();
    await aws?.close();
    await prisma?.$disconnect();
  });

  it('a lab cancelled while its start job waits for the lab fails that job on its first attempt, without a retry', async () => {
    const startsAt = new Date(Date.now() - 1000);
    await prisma.lab.update({ where: { id: room.labId }, data: { startsAt } });
    const producer = worker.app.get(JobProducer);
    const payload = { tenantId: room.tenantId, labId: room.labId, at: startsAt.getTime() };

    // Hold the lab's row lock while the job runs, and cancel the lab under it: the start reads a due SCHEDULED
    // lab, then finds it CANCELLED once it holds the lock.
    await prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM labs WHERE id = ${room.labId}::uuid FOR UPDATE`;
        await producer.add(JobName.StartLab, payload);
        await eventually(
          async () => {
            if ((await labLockWaiters(prisma)) < 1) throw new Error('the start is not waiting for the lab yet');
          },
          20_000,
          50,
        );
        await tx.lab.update({ where: { id: room.labId }, data: { state: 'CANCELLED', endedAt: new Date() } });
      },
      { timeout: 30_000 },
    );

    const queue = producer.queue(QueueName.Labs);
    const job = await eventually(async () => {
      const found = await queue.getJob(jobIdOf(JobName.StartLab, payload)!);
      const state = await found?.getState();
      if (!found || state !== 'failed') throw new Error(`start job is ${state ?? 'missing'}`);
      // Read again: `found` may be the snapshot from just before the job failed.
      return (await queue.getJob(found.id!))!;
    }, 20_000);
    expect(JOB_CATALOGUE[JobName.StartLab].options.attempts).toBeGreaterThan(1);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^lab-state-conflict: The lab is cancelled and cannot start\./);
    // Nothing left to run again: no retry is waiting out a backoff.
    expect(await queue.getJobCounts()).toMatchObject({ failed: 1, delayed: 0, waiting: 0, active: 0, completed: 0 });
    expect((await prisma.lab.findUniqueOrThrow({ where: { id: room.labId } })).state).toBe('CANCELLED');
    expect(await prisma.labSession.count({ where: { labId: room.labId } })).toBe(0);
  });
});
