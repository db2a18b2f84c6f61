import { spawn, type ChildProcess } from 'node:child_process';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually, ROOT } from '../support/processes';

const EXTERNAL_ID = 'school-external-id-shutdown';
const STUDENTS = 200;

async function countStates(prisma: PrismaClient, labId: string): Promise<Record<string, number>> {
  const groups = await prisma.labSession.groupBy({ by: ['state'], where: { labId }, _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
}

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('SIGTERM to a worker in the middle of a lab start', () => {
  const prefix = specQueuePrefix('term');
  // A long lease: a session left ISSUING by the first worker would stay visible to the checks below
  // instead of being taken over quietly.
  const workerEnv = {
    QUEUE_PREFIX: prefix,
    WORKER_CONCURRENCY: '16',
    ISSUE_LEASE_SECONDS: '60',
    SWEEP_INTERVAL_SECONDS: '2',
    SHUTDOWN_TIMEOUT_MS: '20000',
    LOG_LEVEL: 'info',
  };
  let aws: AwsLocal;
  let prisma: PrismaClient;
  let api: TestApi;
  const workers: WorkerProcess[] = [];

  const startWorker = (): WorkerProcess => {
    const child = spawn(process.execPath, [`${ROOT}/dist/apps/worker/src/main.js`], {
      cwd: ROOT,
      env: { ...process.env, ...workerEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    // 'close', not 'exit': the process has ended and its output has been read to the end.
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    const worker = { child, output: () => output, exited };
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    api = await startTestApi({ QUEUE_PREFIX: prefix });
  });
  afterAll(async () => {
    for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    aws?.setFaults({ latencyByAction: {}, throttleRate: 0, actions: null });
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('finishes its running jobs before it disconnects; after a restart 200 ACTIVE, no AssumeRole lost or repeated', async () => {
    const room = await createClassroom(prisma, { students: STUDENTS, endpoint: aws.url, externalId: EXTERNAL_ID });
    const labSessions = () => aws.issuedSessions().filter((s) => s.tags['labkeys:lab'] === room.labId);
    aws.resetCounters();
    // Slow enough that jobs are mid-call when the signal lands; some throttling so retries happen too.
    aws.setFaults({
      latencyByAction: { 'sts:AssumeRole': 400 },
      throttleRate: 0.1,
      actions: ['sts:AssumeRole'],
      seed: 11,
    });

    const first = startWorker();
    await eventually(
      async () => {
        if (!first.output().includes('worker started')) throw new Error('worker not started');
      },
      30000,
      100,
    );
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(
      async () => {
        const active = (await countStates(prisma, room.labId)).ACTIVE ?? 0;
        if (active < 40) throw new Error(`${active} active`);
      },
      60000,
      50,
    );

    const atSignal = await countStates(prisma, room.labId);
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    const drainMs = Date.now() - signalled;
    const atExit = await countStates(prisma, room.labId);
    process.stdout.write(
      `BENCH worker-shutdown: SIGTERM at ${JSON.stringify(atSignal)}, exit ${JSON.stringify(exit)} after ${drainMs} ms at ${JSON.stringify(atExit)}\n`,
    );

    // A clean exit within the bound, through the drain, with every claimed session finished.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(drainMs).toBeLessThan(20000);
    expect(first.output()).toContain('worker stopping: no new jobs, waiting for running ones');
    expect(first.output()).toMatch(/"drained":true[^\n]*queue workers closed/);
    expect(first.output()).not.toMatch(
      /Can't reach database|Connection is closed|database pool closed[\s\S]*queue workers closed/,
    );
    expect(atExit.ACTIVE ?? 0).toBeGreaterThan(atSignal.ACTIVE ?? 0);
    expect(atExit.ISSUING ?? 0).toBe(0);
    expect(atExit.ACTIVE ?? 0).toBeLessThan(STUDENTS);
    // Every credential AWS issued so far is recorded on an ACTIVE row.
    const activeKeys = async () =>
      new Set(
        (
          await prisma.labSession.findMany({
            where: { labId: room.labId, state: 'ACTIVE' },
            select: { accessKeyId: true },
          })
        ).map((s) => s.accessKeyId),
      );
    const issuedByNow = labSessions().map((s) => s.accessKeyId);
    const recordedByNow = await activeKeys();
    expect(issuedByNow.filter((key) => !recordedByNow.has(key))).toEqual([]);
    expect(issuedByNow).toHaveLength(recordedByNow.size);

    const second = startWorker();
    await eventually(
      async () => {
        const counts = await countStates(prisma, room.labId);
        if (counts.ACTIVE !== STUDENTS) throw new Error(`want ${STUDENTS} ACTIVE, have ${JSON.stringify(counts)}`);
      },
      120000,
      200,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    aws.setFaults({ latencyByAction: {}, throttleRate: 0, actions: null });

    const retries = aws.faultedCounters()['sts:AssumeRole'] ?? 0;
    const calls = aws.counters()['sts:AssumeRole'];
    process.stdout.write(
      `BENCH worker-shutdown: ${calls} AssumeRole calls for ${STUDENTS} sessions, ${retries} of them throttled by the fault injector\n`,
    );
    expect(retries).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(STUDENTS + retries);
    const issued = labSessions().map((s) => s.accessKeyId);
    const recorded = await activeKeys();
    expect(issued).toHaveLength(STUDENTS);
    expect(issued.filter((key) => !recorded.has(key))).toEqual([]);
    expect(recorded.size).toBe(STUDENTS);
  }, 180000);

  it('exits 0 at SHUTDOWN_TIMEOUT_MS when a job outlasts it; the restarted worker takes the claim over after its lease', async () => {
    const room = await createClassroom(prisma, { students: 4, endpoint: aws.url, externalId: EXTERNAL_ID });
    aws.setFaults({ latencyByAction: { 'sts:AssumeRole': 8000 } });
    const bounded = { SHUTDOWN_TIMEOUT_MS: '3000', ISSUE_LEASE_SECONDS: '5' };
    Object.assign(workerEnv, bounded);
    try {
      const first = startWorker();
      await eventually(
        async () => {
          if (!first.output().includes('worker started')) throw new Error('worker not started');
        },
        30000,
        100,
      );
      await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await eventually(
        async () => {
          const issuing = (await countStates(prisma, room.labId)).ISSUING ?? 0;
          if (issuing < 4) throw new Error(`${issuing} issuing`);
        },
        30000,
        50,
      );
      const signalled = Date.now();
      first.child.kill('SIGTERM');
      const exit = await first.exited;
      const drainMs = Date.now() - signalled;
      process.stdout.write(
        `BENCH worker-shutdown: with AssumeRole stuck for 8 s, exit ${JSON.stringify(exit)} after ${drainMs} ms (SHUTDOWN_TIMEOUT_MS 3000)\n`,
      );
      expect(exit).toEqual({ code: 0, signal: null });
      expect(drainMs).toBeLessThan(3000);
      expect(first.output()).toContain('jobs still running at the shutdown bound');
      // Cut mid-call: each claim is either given back (the SDK call was aborted when the clients closed) or
      // left ISSUING for its lease; none is ACTIVE.
      const atExit = await countStates(prisma, room.labId);
      expect((atExit.ISSUING ?? 0) + (atExit.PENDING ?? 0)).toBe(4);

      aws.setFaults({ latencyByAction: {} });
      const second = startWorker();
      await eventually(
        async () => {
          const counts = await countStates(prisma, room.labId);
          if (counts.ACTIVE !== 4) throw new Error(`want 4 ACTIVE, have ${JSON.stringify(counts)}`);
          // The cut jobs come back once BullMQ's job lock (30 s) has expired and the stalled check runs.
        },
        90000,
        200,
      );
      second.child.kill('SIGTERM');
      await second.exited;
    } finally {
      aws.setFaults({ latencyByAction: {} });
    }
  }, 150000);
});
