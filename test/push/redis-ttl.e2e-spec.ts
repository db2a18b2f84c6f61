import Redis from 'ioredis';
import { generateToken } from '@labkeys/secrets';
import { bearer } from '../support/api';
import { createClassroom } from '../support/classroom';
import { eventually } from '../support/processes';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { SseClient } from '../support/sse-client';
import { scanKeys } from '../support/redis-server';

const EXTERNAL_ID = 'school-external-id-redis-ttl';

/** Acceptance 6 of issue 10: nothing the api or the push path writes to Redis on a client's behalf lives forever. */
describe('bounded Redis', () => {
  let pipe: Pipeline;
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    prefix = `${process.env.QUEUE_PREFIX}ttl${Math.random().toString(36).slice(2, 7)}`;
    pipe = await startPipeline([EXTERNAL_ID], { QUEUE_PREFIX: prefix, PUSH_STREAM_TTL_SECONDS: '7200' });
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    redis.disconnect();
    await pipe.close();
  });

  const keysOf = (pattern: string) => scanKeys(redis, pattern);

  it('after a lab runs, every push stream, rate-limit and stream-slot key has a TTL', async () => {
    const room = await createClassroom(pipe.prisma, { students: 3, endpoint: pipe.aws.url, externalId: EXTERNAL_ID });
    const student = await SseClient.open(`${pipe.baseUrl}/v1/me/events`, room.students[0].token);
    const lab = await SseClient.open(`${pipe.baseUrl}/v1/labs/${room.labId}/events`, room.ownerToken);
    try {
      await pipe.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await student.waitFor((events) => events.some((e) => e.event === 'session.issued'), 60000);
      await eventually(
        async () =>
          expect(await pipe.prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } })).toBe(3),
        60000,
      );
      await pipe.api.http
        .get('/v1/courses')
        .set(bearer(generateToken('lk')))
        .expect(401);
      await pipe.api.http.get('/v1/courses').expect(401);

      const push = await keysOf(`${prefix}:push:*`);
      const limits = await keysOf(`${prefix}:rl:*`);
      const slots = await keysOf(`${prefix}:sse:*`);
      // Both kinds of channel (the lab's and each student's) were written; the pub/sub channel is not a key.
      // This room's channels; the spec's worker also sweeps other specs' rows in the shared database, and may
      // publish their events under this prefix too (their keys are checked for a TTL all the same).
      expect(push.filter((k) => k.includes(`:push:lab:${room.tenantId}:${room.labId}`))).toHaveLength(1);
      expect(push.filter((k) => k.includes(`:push:student:${room.tenantId}:`))).toHaveLength(3);
      expect(limits.some((k) => k.includes(':rl:api:t:'))).toBe(true);
      expect(limits.some((k) => k.includes(':rl:auth-fail:ip:'))).toBe(true);
      expect(limits.some((k) => k.includes(':rl:auth-fail:tp:'))).toBe(true);
      expect(slots).toHaveLength(2);
      const ttls = await Promise.all(
        [...push, ...limits, ...slots].map(async (key) => [key, await redis.ttl(key)] as const),
      );
      expect(ttls.filter(([, ttl]) => !(ttl > 0))).toEqual([]);
      for (const key of push) expect(await redis.ttl(key)).toBeGreaterThan(7000);
    } finally {
      student.stop();
      lab.stop();
    }
  });
});
