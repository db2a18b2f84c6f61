import Redis from 'ioredis';
import { bearer } from '../support/api';
import { createClassroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';
import { freePort, PrivateRedis } from '../support/redis-server';
import { SseClient } from '../support/sse-client';

const EXTERNAL_ID = 'school-external-id-flushall-renewal';
const STUDENTS = 3;

/**
 * Issue 9, acceptance 6. Redis loses every job of an auto-renew lab (renewals, expiring notices) right after
 * the class is issued. The sweep re-derives them from Postgres: each student still gets a successor before
 * expiry and one `session.expiring` notice per session.
 */
describe('a Redis flush in the middle of an auto-renew lab', () => {
  let redis: PrivateRedis;
  let pipeline: Pipeline;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    // 900 s sessions: the notice is due 10 s after issue, the renewal 20 s after.
    pipeline = await startPipeline([EXTERNAL_ID], {
      REDIS_URL: redis.url,
      SWEEP_INTERVAL_SECONDS: '1',
      EXPIRING_NOTICE_SECONDS: '890',
      RENEW_LEAD_SECONDS: '880',
      API_RATE_LIMIT_PER_MINUTE: '100000',
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await redis?.stop();
  });

  it('still issues successors before expiry and sends each expiring notice once', async () => {
    const { api, aws, prisma, baseUrl } = pipeline;
    const room = await createClassroom(prisma, {
      students: STUDENTS,
      endpoint: aws.url,
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
      autoRenew: true,
    });
    const streams = await Promise.all(room.students.map((s) => SseClient.open(`${baseUrl}/v1/me/events`, s.token)));
    try {
      await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await eventually(async () => {
        if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } })) !== STUDENTS)
          throw new Error('not ACTIVE yet');
      }, 30000);
      const firsts = await prisma.labSession.findMany({ where: { labId: room.labId } });

      // Every delayed renewal and expiry job of the class is gone.
      const flush = new Redis(redis.url);
      await flush.flushall();
      flush.disconnect();

      for (const [i, stream] of streams.entries()) {
        const first = firsts.find((s) => s.studentId === room.students[i].id)!;
        await stream.waitFor(
          (events) =>
            events.some(
              (e) => e.event === 'session.expiring' && (e.data as { sessionId: string }).sessionId === first.id,
            ),
          40000,
        );
        await stream.waitFor((events) => events.some((e) => e.event === 'session.renewed'), 40000);
      }
      const rows = await prisma.labSession.findMany({ where: { labId: room.labId }, orderBy: { createdAt: 'asc' } });
      const successors = rows.filter((r) => r.predecessorId);
      expect(successors).toHaveLength(STUDENTS);
      for (const first of firsts) {
        const next = successors.find((s) => s.predecessorId === first.id)!;
        expect(next.state).toBe('ACTIVE');
        expect(next.issuedAt!.getTime()).toBeLessThan(first.expiresAt!.getTime());
        expect(
          (await prisma.labSession.findUniqueOrThrow({ where: { id: first.id } })).expiringNotifiedAt,
        ).not.toBeNull();
      }
      // Told once per session, however many sweeps ran since.
      for (const stream of streams) {
        const notices = stream.events
          .filter((e) => e.event === 'session.expiring')
          .map((e) => (e.data as { sessionId: string }).sessionId);
        expect(new Set(notices).size).toBe(notices.length);
      }
    } finally {
      for (const stream of streams) stream.stop();
    }
  });
});
