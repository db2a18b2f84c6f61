import { specQueuePrefix } from '../support/env';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { eventually, ROOT, waitForExit } from '../support/processes';
import { SseClient } from '../support/sse-client';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-faults';

async function countStates(prisma: PrismaClient, labId: string): Promise<Record<string, number>> {
  const groups = await prisma.labSession.groupBy({ by: ['state'], where: { labId }, _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
}

async function allInState(
  prisma: PrismaClient,
  labId: string,
  state: string,
  n: number,
  timeoutMs: number,
): Promise<void> {
  await eventually(
    async () => {
      const counts = await countStates(prisma, labId);
      if (counts[state] !== n) throw new Error(`want ${n} ${state}, have ${JSON.stringify(counts)}`);
    },
    timeoutMs,
    200,
  );
}

describe('issuance under AWS faults', () => {
  let aws: AwsLocal;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
  });
  afterAll(async () => {
    await aws?.close();
    await prisma.$disconnect();
  });

  describe('in one worker', () => {
    let api: TestApi;
    let worker: TestWorker;
    const env = { QUEUE_PREFIX: specQueuePrefix('fault'), WORKER_CONCURRENCY: '16' };

    beforeAll(async () => {
      api = await startTestApi(env);
      worker = await startTestWorker(env);
    });
    afterAll(async () => {
      aws.setFaults({ throttleRate: 0, actions: null });
      await worker?.close();
      await api?.close();
    });

    it('with 30 % of AssumeRole calls throttled, 200 of 200 sessions end ACTIVE', async () => {
      const room = await createClassroom(prisma, { students: 200, endpoint: aws.url, externalId: EXTERNAL_ID });
      aws.resetCounters();
      aws.setFaults({ throttleRate: 0.3, actions: ['sts:AssumeRole'], seed: 7 });
      await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await allInState(prisma, room.labId, 'ACTIVE', 200, 90000);
      aws.setFaults({ throttleRate: 0, actions: null });
      expect(aws.faultedCounters()['sts:AssumeRole']).toBeGreaterThan(20);
      expect(aws.counters()['sts:AssumeRole']).toBe(200 + aws.faultedCounters()['sts:AssumeRole']);
    });

    it("a role that refuses LabKeys fails every session with AWS's message, in the API and the instructor stream", async () => {
      const room = await createClassroom(prisma, {
        students: 5,
        endpoint: aws.url,
        externalId: 'an-external-id-the-role-does-not-trust',
      });
      const stream = await SseClient.open(
        `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}/v1/labs/${room.labId}/events`,
        room.ownerToken,
      );
      try {
        await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
        await allInState(prisma, room.labId, 'FAILED', 5, 30000);
        const res = await api.http.get(`/v1/labs/${room.labId}/sessions`).set(bearer(room.ownerToken)).expect(200);
        const message = `User: arn:aws:iam::123456789012:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/labkeys-lab`;
        for (const session of res.body.items)
          expect(session).toMatchObject({ state: 'FAILED', failureCode: 'AccessDenied', failureReason: message });
        await stream.waitFor(
          (events) =>
            events.filter((e) => e.event === 'session.state' && (e.data as { state: string }).state === 'FAILED')
              .length === 5,
          10000,
        );
        const failed = stream.events.find(
          (e) => e.event === 'session.state' && (e.data as { state: string }).state === 'FAILED',
        )!;
        expect((failed.data as { detail: { code: string; message: string } }).detail).toEqual({
          code: 'AccessDenied',
          message,
        });
        const gone = await api.http.get('/v1/me/sessions/current').set(bearer(room.students[0].token)).expect(410);
        expect(gone.body).toMatchObject({ status: 410, failureCode: 'AccessDenied' });
      } finally {
        stream.stop();
      }
    });
  });

  describe('a worker killed halfway', () => {
    const prefix = specQueuePrefix('kill');
    const workerEnv = {
      QUEUE_PREFIX: prefix,
      WORKER_CONCURRENCY: '8',
      ISSUE_LEASE_SECONDS: '5',
      SWEEP_INTERVAL_SECONDS: '2',
      LOG_LEVEL: 'warn',
    };
    let api: TestApi;
    const children: ChildProcess[] = [];

    const startWorkerProcess = () => {
      const child = spawn(process.execPath, [`${ROOT}/dist/apps/worker/src/main.js`], {
        cwd: ROOT,
        env: { ...process.env, ...workerEnv },
        stdio: 'ignore',
      });
      children.push(child);
      return child;
    };

    beforeAll(async () => {
      api = await startTestApi({ QUEUE_PREFIX: prefix });
    });
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      aws.setFaults({ latencyByAction: {} });
      await api?.close();
    });

    it('SIGKILL during a 500-student start, then a restart → 500 ACTIVE, none duplicated', async () => {
      const room = await createClassroom(prisma, { students: 500, endpoint: aws.url, externalId: EXTERNAL_ID });
      aws.setFaults({ latencyByAction: { 'sts:AssumeRole': 40 } });
      const first = startWorkerProcess();
      await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await eventually(
        async () => {
          const active = (await countStates(prisma, room.labId)).ACTIVE ?? 0;
          if (active < 100) throw new Error(`${active} active`);
        },
        60000,
        50,
      );
      const exited = waitForExit(first);
      first.kill('SIGKILL');
      await exited;
      const atKill = await countStates(prisma, room.labId);
      expect(atKill.ACTIVE ?? 0).toBeLessThan(500);

      startWorkerProcess();
      await allInState(prisma, room.labId, 'ACTIVE', 500, 120000);
      const sessions = await prisma.labSession.findMany({
        where: { labId: room.labId },
        select: { studentId: true, accessKeyId: true },
      });
      expect(sessions).toHaveLength(500);
      expect(new Set(sessions.map((s) => s.studentId)).size).toBe(500);
      expect(new Set(sessions.map((s) => s.accessKeyId)).size).toBe(500);
    });
  });
});
