import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { fixturePrisma } from '@labkeys/testing';
import { createMigratedDatabase, type FreshDatabase } from '../../scripts/support/local-services';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { killSpawned, spawnApi, spawnWorker, type RunningProcess } from '../support/ops-processes';
import { eventually } from '../support/processes';
import { parsePrometheusText, sampleValue, type Family } from '../support/prometheus-text';
import { redisOptionsFromUrl } from '@labkeys/queues';
import { SseClient } from '../support/sse-client';

const EXTERNAL_ID = 'school-external-id-metrics';
const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;
const STUDENTS = 50;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const API_FAMILIES = [
  'labkeys_http_requests_total',
  'labkeys_http_request_duration_seconds',
  'labkeys_sse_streams_open',
];
const WORKER_FAMILIES = [
  'labkeys_issuance_queue_wait_seconds',
  'labkeys_sts_call_duration_seconds',
  'labkeys_sts_errors_total',
  'labkeys_issuance_time_to_active_seconds',
  'labkeys_issuance_retries_total',
  'labkeys_issuance_failures_total',
  'labkeys_session_expiry_lag_seconds',
  'labkeys_revocation_apply_latency_seconds',
  'labkeys_revocation_policy_budget_ratio',
];
const BOTH = [
  'labkeys_sessions',
  'labkeys_revocations_pending',
  'labkeys_queue_jobs',
  'labkeys_db_pool_connections',
  'labkeys_redis_connected',
  'labkeys_redis_pending_commands',
  'process_cpu_user_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
];

async function scrape(base: string): Promise<Map<string, Family>> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

describe('metrics of the api and the worker after a lab of 50 starts', () => {
  let database: FreshDatabase;
  let prisma: PrismaClient;
  let aws: AwsLocal;
  let api: RunningProcess;
  let worker: RunningProcess;
  let room: Classroom;
  const prefix = specQueuePrefix('metrics');

  beforeAll(async () => {
    // A database of its own: the session gauges count every tenant, so other specs' sessions would show.
    database = await createMigratedDatabase(
      process.env.DATABASE_URL!,
      `${process.env.LABKEYS_E2E_DATABASE}_metrics_${randomBytes(3).toString('hex')}`,
    );
    prisma = fixturePrisma(database.url);
    aws = await startSchoolAws([EXTERNAL_ID]);
    const env = { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, METRICS_TOKEN, DATABASE_POOL_SIZE: '7' };
    [api, worker] = await Promise.all([spawnApi(env), spawnWorker(env)]);
    room = await createClassroom(prisma, { students: STUDENTS, endpoint: aws.url, externalId: EXTERNAL_ID });
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await killSpawned();
    await aws?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  it('refuses /metrics without the metrics token on both processes', async () => {
    for (const base of [api.url, worker.url]) {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect(
        (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token' } })).status,
      ).toBe(401);
    }
  });

  it('parses strictly and holds every family with plausible values; no label names a tenant, lab, session or student', async () => {
    const before = await scrape(worker.url);
    const stsBefore =
      sampleValue(before, 'labkeys_sts_call_duration_seconds_count', { operation: 'AssumeRole', outcome: 'ok' }) ?? 0;
    const requestId = `ops-metrics-${randomBytes(6).toString('hex')}`;
    const stream = await SseClient.open(`${api.url}/v1/labs/${room.labId}/events`, room.ownerToken);
    try {
      const start = await fetch(`${api.url}/v1/labs/${room.labId}/start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${room.ownerToken}`, 'x-request-id': requestId },
      });
      expect(start.status).toBe(202);
      await eventually(
        async () => {
          const active = await prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } });
          if (active !== STUDENTS) throw new Error(`${active} ACTIVE`);
        },
        60000,
        200,
      );

      // The gauge is read from Postgres at most every 15 s.
      const [apiMetrics, workerMetrics] = await eventually(
        async () => {
          const both = await Promise.all([scrape(api.url), scrape(worker.url)]);
          for (const m of both)
            if (sampleValue(m, 'labkeys_sessions', { state: 'ACTIVE' }) !== STUDENTS)
              throw new Error('ACTIVE gauge not yet 50');
          return both;
        },
        20000,
        500,
      );

      for (const name of [...API_FAMILIES, ...BOTH])
        expect({ name, present: apiMetrics.has(name) }).toEqual({ name, present: true });
      for (const name of [...WORKER_FAMILIES, ...BOTH])
        expect({ name, present: workerMetrics.has(name) }).toEqual({ name, present: true });

      // Issuance: one STS call and one time-to-ACTIVE per student; every first call waited in the queue.
      expect(
        sampleValue(workerMetrics, 'labkeys_sts_call_duration_seconds_count', {
          operation: 'AssumeRole',
          outcome: 'ok',
        })! - stsBefore,
      ).toBe(STUDENTS);
      expect(sampleValue(workerMetrics, 'labkeys_issuance_time_to_active_seconds_count')).toBe(STUDENTS);
      expect(sampleValue(workerMetrics, 'labkeys_issuance_queue_wait_seconds_count')).toBe(STUDENTS);
      expect(sampleValue(workerMetrics, 'labkeys_issuance_time_to_active_seconds_sum')).toBeGreaterThan(0);
      expect(sampleValue(workerMetrics, 'labkeys_issuance_time_to_active_seconds_sum')).toBeLessThan(STUDENTS * 60);
      expect(sampleValue(workerMetrics, 'labkeys_sessions', { state: 'PENDING' })).toBe(0);
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        for (const queue of ['issuance', 'lifecycle', 'labs', 'maintenance', 'revocation', 'mail'])
          expect(sampleValue(workerMetrics, 'labkeys_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(0);
      }
      // Each ACTIVE session has its expiry job waiting (delayed) in the lifecycle queue.
      expect(sampleValue(apiMetrics, 'labkeys_queue_jobs', { queue: 'lifecycle', state: 'delayed' })).toBe(STUDENTS);

      // The api: the start by its route template, the open stream, its pool and Redis.
      expect(
        sampleValue(apiMetrics, 'labkeys_http_requests_total', {
          method: 'POST',
          route: '/v1/labs/:labId/start',
          status: '202',
        }),
      ).toBe(1);
      expect(
        sampleValue(apiMetrics, 'labkeys_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/v1/labs/:labId/start',
          status: '202',
        }),
      ).toBe(1);
      expect(sampleValue(apiMetrics, 'labkeys_sse_streams_open')).toBe(1);
      for (const m of [apiMetrics, workerMetrics]) {
        expect(sampleValue(m, 'labkeys_db_pool_connections', { state: 'max' })).toBe(7);
        expect(sampleValue(m, 'labkeys_db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
        expect(sampleValue(m, 'labkeys_db_pool_connections', { state: 'in_use' })).toBeLessThanOrEqual(7);
        expect(sampleValue(m, 'labkeys_redis_connected')).toBe(1);
        expect(sampleValue(m, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);
      }

      const ids = new Set<string>([
        room.tenantId,
        room.labId,
        room.courseId,
        room.connectionId,
        room.templateId,
        ...room.students.map((s) => s.id),
        ...room.students.map((s) => s.handle),
      ]);
      for (const s of await prisma.labSession.findMany({ where: { labId: room.labId }, select: { id: true } }))
        ids.add(s.id);
      for (const families of [apiMetrics, workerMetrics]) {
        for (const family of families.values()) {
          for (const sample of family.samples) {
            for (const value of Object.values(sample.labels)) {
              expect(UUID.test(value) || ids.has(value) || [...ids].some((id) => value.includes(id))).toBe(false);
            }
          }
        }
      }
    } finally {
      stream.stop();
    }
  });

  it('times a revocation and reports the role budget it uses', async () => {
    const session = await prisma.labSession.findFirstOrThrow({
      where: { labId: room.labId, state: 'ACTIVE' },
      select: { id: true },
    });
    const res = await fetch(`${api.url}/v1/labs/${room.labId}/sessions/${session.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.ownerToken}` },
    });
    expect(res.status).toBe(202);
    await eventually(
      async () => {
        const row = await prisma.labSession.findUniqueOrThrow({ where: { id: session.id }, select: { state: true } });
        if (row.state !== 'REVOKED') throw new Error(row.state);
      },
      30000,
      200,
    );
    const metrics = await scrape(worker.url);
    expect(sampleValue(metrics, 'labkeys_revocation_apply_latency_seconds_count')).toBe(1);
    const ratio = sampleValue(metrics, 'labkeys_revocation_policy_budget_ratio')!;
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
  });

  it('follows the start from the api log to each issuance job and the expiry jobs they queued, by request id', async () => {
    const requestId = (
      worker.logLines().find((l) => l.job === 'issue-session' && typeof l.requestId === 'string') ?? {}
    ).requestId as string;
    expect(requestId).toMatch(/^ops-metrics-/);
    // The api logged the request under that id.
    expect(
      api
        .logLines()
        .some(
          (l) =>
            (l.req as { id?: string } | undefined)?.id === requestId &&
            (l.res as { statusCode?: number } | undefined)?.statusCode === 202,
        ),
    ).toBe(true);
    // Each issuance job ran with it, once per student.
    const finished = worker
      .logLines()
      .filter((l) => l.job === 'issue-session' && l.msg === 'job finished' && l.requestId === requestId);
    expect(finished.filter((l) => l.outcome === 'active')).toHaveLength(STUDENTS);
    // The expiry jobs the issuance queued carry it on.
    const lifecycle = new Queue('lifecycle', { connection: redisOptionsFromUrl(process.env.REDIS_URL!), prefix });
    try {
      const delayed = await lifecycle.getJobs(['delayed'], 0, 1000);
      expect(delayed.length).toBeGreaterThanOrEqual(STUDENTS - 1);
      for (const job of delayed)
        expect(job.data).toEqual({ tenantId: room.tenantId, sessionId: expect.any(String), requestId });
    } finally {
      await lifecycle.close();
    }
  });
});
