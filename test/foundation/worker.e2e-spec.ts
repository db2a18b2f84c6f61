import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QueueName, SWEEP_SCHEDULER_ID } from '@labkeys/queues';
import type { PrismaClient } from '@labkeys/database';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { testEnv } from '../support/env';
import { createLabFixture, createSession, testPrisma } from '../support/factories';
import { eventually } from '../support/processes';

describe('worker', () => {
  let prisma: PrismaClient;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    prisma = testPrisma();
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(testEnv({ SWEEP_INTERVAL_SECONDS: '1' })),
      {
        logger: false,
      },
    );
    await worker.init();
  });
  afterAll(async () => {
    await worker.close();
    await prisma.$disconnect();
  });

  it('registers one repair-sweep schedule however many workers upsert it', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance));
    const second = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(testEnv({ SWEEP_INTERVAL_SECONDS: '1' })),
      {
        logger: false,
      },
    );
    await second.init();
    await second.close();
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual([SWEEP_SCHEDULER_ID]);
  });

  it('the scheduled sweep expires an overdue ACTIVE session and destroys its sealed secret, leaving others alone', async () => {
    const fixture = await createLabFixture(prisma, { students: 3 });
    const overdue = await createSession(prisma, fixture, 0, {
      state: 'ACTIVE',
      expiresAt: new Date(Date.now() - 1000),
      sealedSecret: Buffer.from('sealed-bytes'),
    });
    const current = await createSession(prisma, fixture, 1, {
      state: 'ACTIVE',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const revoked = await createSession(prisma, fixture, 2, {
      state: 'REVOKED',
      expiresAt: new Date(Date.now() - 1000),
    });

    const expired = await eventually(
      async () => {
        const row = await prisma.labSession.findUniqueOrThrow({ where: { id: overdue.id } });
        if (row.state !== 'EXPIRED') throw new Error(`still ${row.state}`);
        return row;
      },
      10000,
      100,
    );
    expect(expired.sealedSecret).toBeNull();
    expect(expired.endedAt).toBeInstanceOf(Date);
    expect((await prisma.labSession.findUniqueOrThrow({ where: { id: current.id } })).state).toBe('ACTIVE');
    expect((await prisma.labSession.findUniqueOrThrow({ where: { id: revoked.id } })).state).toBe('REVOKED');
  });

  it('puts the sweep schedule back, and sweeps at once, when Redis loses it', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance));
    await queue.removeJobScheduler(SWEEP_SCHEDULER_ID);
    expect(await queue.getJobScheduler(SWEEP_SCHEDULER_ID)).toBeFalsy();
    await eventually(
      async () => {
        if (!(await queue.getJobScheduler(SWEEP_SCHEDULER_ID))) throw new Error('schedule not restored yet');
      },
      5000,
      100,
    );
    const recoveries = (await queue.getJobs(['completed', 'active', 'waiting'])).filter((job) =>
      job.id?.startsWith('sweep-recovery-'),
    );
    expect(recoveries.length).toBeGreaterThanOrEqual(1);
  });
});
