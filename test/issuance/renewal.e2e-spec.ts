import { bearer } from '../support/api';
import { createClassroom } from '../support/classroom';
import { SseClient } from '../support/sse-client';
import { startPipeline, type Pipeline } from '../support/pipeline';

const EXTERNAL_ID = 'school-external-id-renewal';

describe('auto-renew', () => {
  let pipeline: Pipeline;

  // Sessions last 900 s; renewing 897 s ahead makes the successor due 3 s after issue.
  beforeAll(async () => {
    pipeline = await startPipeline([EXTERNAL_ID], { RENEW_LEAD_SECONDS: '897' });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('issues a successor ahead of expiry, pushes it, and the current session switches with no gap', async () => {
    const { api, aws, prisma, baseUrl } = pipeline;
    const room = await createClassroom(prisma, {
      students: 2,
      endpoint: aws.url,
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
      autoRenew: true,
    });
    const student = room.students[0];
    const stream = await SseClient.open(`${baseUrl}/v1/me/events`, student.token);
    try {
      await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await stream.waitFor((events) => events.some((e) => e.event === 'session.issued'), 30000);
      const first = stream.events.find((e) => e.event === 'session.issued')!.data as {
        sessionId: string;
        accessKeyId: string;
        expiration: string;
      };
      // Until the successor arrives the first session is current: never a gap.
      const during = await api.http.get('/v1/me/sessions/current').set(bearer(student.token)).expect(200);
      expect([first.sessionId]).toContain(during.body.sessionId);

      await stream.waitFor((events) => events.some((e) => e.event === 'session.renewed'), 30000);
      const renewed = stream.events.find((e) => e.event === 'session.renewed')!.data as {
        sessionId: string;
        accessKeyId: string;
        expiration: string;
      };
      expect(renewed.sessionId).not.toBe(first.sessionId);
      expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
      expect(new Date(renewed.expiration).getTime()).toBeGreaterThan(new Date(first.expiration).getTime());

      const current = await api.http.get('/v1/me/sessions/current').set(bearer(student.token)).expect(200);
      expect(current.body.sessionId).toBe(renewed.sessionId);
      const rows = await prisma.labSession.findMany({
        where: { labId: room.labId, studentId: student.id },
        orderBy: { createdAt: 'asc' },
      });
      expect(rows.map((r) => [r.state, r.predecessorId])).toEqual([
        ['ACTIVE', null],
        ['ACTIVE', first.sessionId],
      ]);
    } finally {
      stream.stop();
    }
  });
});
