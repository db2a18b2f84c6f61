import { bearer } from '../support/api';
import { createClassroom } from '../support/classroom';
import { SseClient } from '../support/sse-client';
import { startPipeline, type Pipeline } from '../support/pipeline';

const EXTERNAL_ID = 'school-external-id-expiring';

describe('students hear that their session is about to expire', () => {
  let pipeline: Pipeline;

  // A notice period longer than the session itself: the notice is due as soon as the session is issued.
  beforeAll(async () => {
    pipeline = await startPipeline([EXTERNAL_ID], { EXPIRING_NOTICE_SECONDS: '3600' });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('pushes session.expiring with the time left, and the session stays ACTIVE until it expires', async () => {
    const { api, aws, prisma, baseUrl } = pipeline;
    const room = await createClassroom(prisma, {
      students: 1,
      endpoint: aws.url,
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
    });
    const stream = await SseClient.open(`${baseUrl}/v1/me/events`, room.students[0].token);
    try {
      await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await stream.waitFor((events) => events.some((e) => e.event === 'session.expiring'), 30000);
      const kinds = stream.events.map((e) => e.event);
      expect(kinds.indexOf('session.issued')).toBeLessThan(kinds.indexOf('session.expiring'));
      const notice = stream.events.find((e) => e.event === 'session.expiring')!.data as {
        state: string;
        detail: { secondsLeft: number; expiresAt: string };
      };
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
