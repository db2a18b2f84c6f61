/**
 * Ending access on time (issue 6).
 *   npm run bench:expire [-- --n 1000 --revoke 300 --c 64]
 * (a) n ACTIVE sessions whose expiry falls in the same second, each with its expiry job added as the
 * producer adds it; we time until all are EXPIRED and the lag of each ended_at against its expires_at.
 * (b) a lab of `revoke` students issued through the real pipeline, then revoked; we time until
 * aws-local denies every session's key. The last line printed is one JSON object.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { redisOptionsFromUrl, JOB_CATALOGUE, jobIdOf, JobName } from '@labkeys/queues';
import type { PrismaClient } from '@labkeys/database';
import {
  appEnv,
  argValue,
  mapLimit,
  onCleanup,
  percentile,
  runBench,
  startApi,
  startAwsLocal,
  startServices,
  startWorker,
  waitUntil,
  withPg,
  type Services,
} from './bench/harness';
import { cpuSeconds, loadAverage } from './bench/proc';
import { createClassroom, fixturePrisma, type Classroom } from '@labkeys/testing';

const EXTERNAL_ID = 'bench-school-external-id';
const LEAD_MS = 5000;

runBench('bench:expire', 10 * 60 * 1000, async () => {
  const n = argValue('n', 1000);
  const revokeN = argValue('revoke', 300);
  const c = argValue('c', 64);
  console.log(`bench:expire n=${n} revoke=${revokeN} c=${c} load=${loadAverage()}`);

  const services = await startServices('benchexpire');
  const aws = await startAwsLocal(EXTERNAL_ID, 40);
  const prisma = fixturePrisma(services.databaseUrl);
  onCleanup(() => prisma.$disconnect());
  const env = appEnv(services, { WORKER_CONCURRENCY: String(c), STS_CALLS_PER_SECOND_PER_ACCOUNT: '100000' });
  const api = await startApi(env);
  const worker = await startWorker(env);

  const cpuBefore = cpuSeconds(worker.pid);
  const expiry = await expireTogether(prisma, services, aws.url, n);
  // Worker CPU over the expiry phase (seeding included, which is the bench's, not the worker's): what one expiry costs it.
  const workerCpuMsPerExpiry = Math.round(((cpuSeconds(worker.pid) - cpuBefore) * 1000 * 10) / n) / 10;
  console.log(
    `expiry: ${expiry.expiredCount}/${n} EXPIRED; all within ${expiry.allExpiredMs} ms of the expiry second; lag min ${expiry.min} ms, p50 ${expiry.p50} ms, p99 ${expiry.p99} ms, max ${expiry.max} ms; worker CPU ${workerCpuMsPerExpiry} ms per expiry`,
  );

  const revocation = await revokeLab(prisma, services, api.url, aws.url, revokeN);
  console.log(
    revocation.ms === null
      ? `lab revocation: not measured (${revocation.reason})`
      : `lab revocation: ${revokeN} sessions denied by aws-local ${revocation.ms} ms after the request`,
  );
  console.log(
    JSON.stringify({
      n,
      expiredCount: expiry.expiredCount,
      allExpiredMs: expiry.allExpiredMs,
      expiryLagP50Ms: expiry.p50,
      expiryLagP99Ms: expiry.p99,
      expiryLagMinMs: expiry.min,
      expiryLagMaxMs: expiry.max,
      workerCpuMsPerExpiry,
      revokeSessions: revokeN,
      labRevocationMs: revocation.ms,
      ...(revocation.reason && { labRevocationReason: revocation.reason }),
      ...(revocation.revoked !== undefined && { revokedCount: revocation.revoked }),
      loadAverage: loadAverage(),
    }),
  );
});

/** n ACTIVE rows expiring within one wall-clock second, and their expiry jobs as JobProducer adds them. */
async function expireTogether(prisma: PrismaClient, services: Services, awsUrl: string, n: number) {
  const room = await createClassroom(prisma, { students: n, endpoint: awsUrl, externalId: EXTERNAL_ID });
  await prisma.lab.update({ where: { id: room.labId }, data: { state: 'RUNNING', startedAt: new Date() } });
  const second = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
  const rows = room.students.map((s, i) => ({
    id: randomUUID(),
    tenantId: room.tenantId,
    labId: room.labId,
    studentId: s.id,
    roleSessionName: `lk-${s.handle}-${i}`,
    state: 'ACTIVE' as const,
    accessKeyId: `ASIABENCH${String(i).padStart(11, '0')}`,
    // Stand-in ciphertext: the expiry path destroys it without opening it.
    sealedSecret: new Uint8Array(randomBytes(96)),
    sealKeyId: 'bench',
    issuedAt: new Date(),
    expiresAt: new Date(second + Math.floor((i * 1000) / n)),
  }));
  await prisma.labSession.createMany({ data: rows });

  const def = JOB_CATALOGUE[JobName.ExpireSession];
  const queue = new Queue(def.queue, { connection: redisOptionsFromUrl(services.redisUrl), prefix: services.prefix });
  onCleanup(() => queue.close());
  await queue.addBulk(
    rows.map((r) => {
      const payload = { tenantId: r.tenantId, sessionId: r.id };
      return {
        name: JobName.ExpireSession,
        data: payload,
        opts: {
          ...def.options,
          jobId: jobIdOf(JobName.ExpireSession, payload),
          delay: Math.max(0, r.expiresAt.getTime() - Date.now()),
        },
      };
    }),
  );
  console.log(`${n} sessions expire between ${new Date(second).toISOString()} and +1 s; jobs added`);

  await waitUntil(
    async () =>
      withPg(
        services.databaseUrl,
        async (pg) =>
          Number(
            (
              await pg.query<{ count: string }>(
                `SELECT count(*) FROM lab_sessions WHERE lab_id = $1 AND state = 'EXPIRED'`,
                [room.labId],
              )
            ).rows[0].count,
          ) >= n,
      ),
    LEAD_MS + 120000,
    50,
    'all sessions EXPIRED',
  );
  const ended = await withPg(services.databaseUrl, (pg) =>
    pg.query<{ lag: string; ended: string }>(
      `SELECT extract(epoch FROM (ended_at - expires_at)) * 1000 AS lag, extract(epoch FROM ended_at) * 1000 AS ended FROM lab_sessions WHERE lab_id = $1 AND state = 'EXPIRED' AND sealed_secret IS NULL`,
      [room.labId],
    ),
  );
  const lags = ended.rows.map((r) => Number(r.lag)).sort((a, b) => a - b);
  const lastEnded = Math.max(...ended.rows.map((r) => Number(r.ended)));
  return {
    expiredCount: lags.length,
    allExpiredMs: Math.round(lastEnded - second),
    p50: Math.round(percentile(lags, 50)),
    p99: Math.round(percentile(lags, 99)),
    min: Math.round(lags[0]),
    max: Math.round(lags[lags.length - 1]),
  };
}

interface Revocation {
  ms: number | null;
  reason?: string;
  revoked?: number;
}

/** A lab issued through the real pipeline, then `POST /v1/labs/:id/revoke`; done when aws-local denies every key. */
async function revokeLab(
  prisma: PrismaClient,
  services: Services,
  apiUrl: string,
  awsUrl: string,
  n: number,
): Promise<Revocation> {
  const room = await createClassroom(prisma, { students: n, endpoint: awsUrl, externalId: EXTERNAL_ID });
  const auth = { authorization: `Bearer ${room.ownerToken}` };
  const started = await fetch(`${apiUrl}/v1/labs/${room.labId}/start`, { method: 'POST', headers: auth });
  if (started.status !== 202) throw new Error(`start answered ${started.status}: ${await started.text()}`);
  await waitUntil(async () => (await countState(services, room, 'ACTIVE')) >= n, 120000, 100, `${n} sessions ACTIVE`);
  const keys = await withPg(services.databaseUrl, async (pg) =>
    (
      await pg.query<{ k: string }>(`SELECT access_key_id AS k FROM lab_sessions WHERE lab_id = $1`, [room.labId])
    ).rows.map((r) => r.k),
  );
  const before = await decisions(awsUrl, keys);
  if (before.some((d) => d === 'deny')) throw new Error('a session was denied before the lab was revoked');

  const t0 = performance.now();
  const response = await fetch(`${apiUrl}/v1/labs/${room.labId}/revoke`, { method: 'POST', headers: auth });
  if (response.status === 404)
    return { ms: null, reason: `POST /v1/labs/:id/revoke answered 404 (${(await response.text()).slice(0, 120)})` };
  if (response.status !== 202)
    return {
      ms: null,
      reason: `POST /v1/labs/:id/revoke answered ${response.status} (${(await response.text()).slice(0, 160)})`,
    };
  let ms = 0;
  await waitUntil(
    async () => {
      const all = (await decisions(awsUrl, keys)).every((d) => d === 'deny');
      if (all) ms = Math.round(performance.now() - t0);
      return all;
    },
    60000,
    20,
    'aws-local denying every session of the revoked lab',
  );
  // Revocation reports REVOKED only after IAM accepted the deny; give that write a moment to land.
  let revoked = 0;
  await waitUntil(
    async () => (revoked = await countState(services, room, 'REVOKED')) >= n,
    10000,
    100,
    'REVOKED',
  ).catch(() => undefined);
  return { ms, revoked };
}

function countState(services: Services, room: Classroom, state: string): Promise<number> {
  return withPg(services.databaseUrl, async (pg) =>
    Number(
      (
        await pg.query<{ count: string }>(`SELECT count(*) FROM lab_sessions WHERE lab_id = $1 AND state = $2`, [
          room.labId,
          state,
        ])
      ).rows[0].count,
    ),
  );
}

async function decisions(awsUrl: string, keys: string[]): Promise<string[]> {
  return mapLimit(keys, 32, async (accessKeyId) => {
    const res = await fetch(`${awsUrl}/_aws-local/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKeyId, action: 's3:ListAllMyBuckets', resource: '*' }),
    });
    return ((await res.json()) as { decision: string }).decision;
  });
}
