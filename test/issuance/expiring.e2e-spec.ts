import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { SseClient } from '../support/sse-client';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-expiring';

describe('students hear that their session is about to expire', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    // A notice period longer than the session itself: the notice is due as soon as the session is issued.
    const env = { QUEUE_PREFIX: `e2eexpiring${Date.now()}`, EXPIRING_NOTICE_SECONDS: '3600' };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('pushes session.expiring with the time left, and the session stays ACTIVE until it expires', async () => {
    const room = await createClassroom(prisma, { students: 1, endpoint: aws.url, externalId: EXTERNAL_ID, durationSeconds: 900 });
    const port = (api.app.getHttpServer().address() as { port: number }).port;
    const stream = await SseClient.open(`http://127.0.0.1:${port}/v1/me/events`, room.students[0].token);
    try {
      await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await stream.waitFor((events) => events.some((e) => e.event === 'session.expiring'), 30000);
      const kinds = stream.events.map((e) => e.event);
      expect(kinds.indexOf('session.issued')).toBeLessThan(kinds.indexOf('session.expiring'));
      const notice = stream.events.find((e) => e.event === 'session.expiring')!.data as { state: string; detail: { secondsLeft: number; expiresAt: string } };
      expect(notice.state).toBe('ACTIVE');
      expect(notice.detail.secondsLeft).toBeGreaterThan(800);
      expect(notice.detail.secondsLeft).toBeLessThanOrEqual(900);
      const row = await prisma.labSession.findFirstOrThrow({ where: { labId: room.labId } });
      expect(row.state).toBe('ACTIVE');
      expect(notice.detail.expiresAt).toBe(row.expiresAt!.toISOString());
    } finally {
      stream.stop();
    }
  });
});
