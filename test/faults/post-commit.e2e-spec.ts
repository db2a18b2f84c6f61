import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { freePort, PrivateRedis } from '../support/redis-server';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-post-commit';

async function countStates(prisma: PrismaClient, labId: string): Promise<Record<string, number>> {
  const groups = await prisma.labSession.groupBy({ by: ['state'], where: { labId }, _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
}

async function untilStates(
  prisma: PrismaClient,
  labId: string,
  want: Record<string, number>,
  timeoutMs = 30000,
): Promise<void> {
  await eventually(
    async () => {
      const have = await countStates(prisma, labId);
      if (JSON.stringify(have) !== JSON.stringify(want))
        throw new Error(`want ${JSON.stringify(want)}, have ${JSON.stringify(have)}`);
    },
    timeoutMs,
    200,
  );
}

/**
 * The enqueue after a commit fails because the api's (and worker's) Redis is stopped: the committed change
 * still answers 2xx, and the repair sweep does the queued work once Redis is back. A private Redis, so the
 * run's shared one is never stopped under other spec files.
 */
describe('post-commit enqueue failures', () => {
  let aws: AwsLocal;
  let prisma: PrismaClient;
  let redis: PrivateRedis;
  let api: TestApi;
  let worker: TestWorker;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    redis = new PrivateRedis(await freePort());
    await redis.start();
    const env = {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: specQueuePrefix('pc'),
      SWEEP_INTERVAL_SECONDS: '2',
      WORKER_CONCURRENCY: '8',
    };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await redis?.stop();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('a roster import into a running lab answers its access links while Redis is down; the sweep issues them later', async () => {
    const room = await createClassroom(prisma, { students: 2, endpoint: aws.url, externalId: EXTERNAL_ID });
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await untilStates(prisma, room.labId, { ACTIVE: 2 });

    await redis.stop();
    const joiners = [1, 2, 3].map((i) => ({
      email: `post-commit-${i}-${Date.now()}@example.edu`,
      displayName: `Joiner ${i}`,
    }));
    const imported = await api.http
      .post(`/v1/courses/${room.courseId}/students`)
      .set(bearer(room.ownerToken))
      .send({ students: joiners });
    expect(imported.status).toBe(200);
    expect(imported.body.accessLinks).toHaveLength(3);
    expect(imported.body.enrollments).toMatchObject({ created: 3 });
    expect(api.logs.text).toContain('could not enqueue after commit');
    // Committed: the enrollments, and a PENDING session per joiner in the running lab.
    expect(await prisma.enrollment.count({ where: { courseId: room.courseId, unenrolledAt: null } })).toBe(5);
    expect(await countStates(prisma, room.labId)).toEqual({ ACTIVE: 2, PENDING: 3 });

    await redis.start();
    await untilStates(prisma, room.labId, { ACTIVE: 5 }, 45000);
    for (const link of imported.body.accessLinks) {
      const creds = await api.http.get('/v1/me/sessions/current').set(bearer(link.accessToken)).expect(200);
      expect(creds.body.accessKeyId).toMatch(/^ASIA/);
    }
  });

  it('a lab start while Redis is down answers 202 with its sessions committed; the sweep issues them later', async () => {
    const room = await createClassroom(prisma, { students: 4, endpoint: aws.url, externalId: EXTERNAL_ID });
    await redis.stop();
    const started = await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken));
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'RUNNING', created: 4, queued: 0 });
    expect(await countStates(prisma, room.labId)).toEqual({ PENDING: 4 });

    await redis.start();
    await untilStates(prisma, room.labId, { ACTIVE: 4 }, 45000);
  });

  it('a revocation while Redis is down answers 202 with the sessions REVOKING; the sweep writes the deny later', async () => {
    const room = await createClassroom(prisma, { students: 2, endpoint: aws.url, externalId: EXTERNAL_ID });
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await untilStates(prisma, room.labId, { ACTIVE: 2 });

    await redis.stop();
    const revoked = await api.http.post(`/v1/labs/${room.labId}/revoke`).set(bearer(room.ownerToken));
    expect(revoked.status).toBe(202);
    expect(revoked.body).toMatchObject({ revoking: 2 });
    expect(await countStates(prisma, room.labId)).toEqual({ REVOKING: 2 });

    await redis.start();
    await untilStates(prisma, room.labId, { REVOKED: 2 }, 45000);
  });
});
