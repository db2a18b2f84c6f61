import { bearer } from '../support/api';
import { createClassroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';
import { SseClient } from '../support/sse-client';
import { SweepHandler } from '../../apps/worker/src/handlers/sweep.handler';

const EXTERNAL_ID = 'school-external-id-bounded';
const MAX_ATTEMPTS = 3;

/**
 * Issue 9, acceptance 5: an AssumeRole that only ever answers 5xx is retried to a bound, then the session
 * ends FAILED with AWS's own code and message — never an endless "being issued".
 */
describe('issuance that keeps failing with a retryable error', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline([EXTERNAL_ID], {
      ISSUE_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      API_RATE_LIMIT_PER_MINUTE: '100000',
    });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('ends FAILED within the bound, tells the student and the lab, and is not re-queued', async () => {
    const { api, aws, prisma, baseUrl, worker } = pipeline;
    const room = await createClassroom(prisma, { students: 5, endpoint: aws.url, externalId: EXTERNAL_ID });
    const board = await SseClient.open(`${baseUrl}/v1/labs/${room.labId}/events`, room.ownerToken);
    try {
      aws.faults = { errorRate: 1, actions: ['sts:AssumeRole'] };
      aws.resetCounters();
      await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
      await eventually(async () => {
        const states = await prisma.labSession.findMany({ where: { labId: room.labId }, select: { state: true } });
        if (!states.every((s) => s.state === 'FAILED'))
          throw new Error(`states ${states.map((s) => s.state).join(',')}`);
      }, 60000);

      const sessions = await prisma.labSession.findMany({ where: { labId: room.labId } });
      for (const s of sessions) {
        expect(s.attempts).toBe(MAX_ATTEMPTS);
        expect(['InternalFailure', 'ServiceUnavailable']).toContain(s.failureCode);
        expect(s.failureReason).toMatch(/internal error|unavailable/i);
      }
      expect(aws.counters()['sts:AssumeRole']).toBe(5 * MAX_ATTEMPTS);

      // The student hears it is over, with AWS's words.
      const gone = await api.http.get('/v1/me/sessions/current').set(bearer(room.students[0].token)).expect(410);
      const mine = sessions.find((s) => s.studentId === room.students[0].id)!;
      expect(gone.body.state).toBe('FAILED');
      expect(gone.body.failureCode).toBe(mine.failureCode);
      expect(gone.body.detail).toContain(mine.failureReason);
      // The board saw each failure.
      await board.waitFor(
        (events) =>
          events.filter((e) => e.event === 'session.state' && (e.data as { state: string }).state === 'FAILED')
            .length === 5,
        10000,
      );

      // Repair sweeps find nothing left to retry.
      const sweep = worker.app.get(SweepHandler);
      for (let i = 0; i < 2; i++) expect(await sweep.handle()).toMatchObject({ requeued: 0, gaveUp: 0, reclaimed: 0 });
      expect(aws.counters()['sts:AssumeRole']).toBe(5 * MAX_ATTEMPTS);
    } finally {
      aws.faults = { errorRate: 0, actions: null };
      board.stop();
    }
  });

  it('a session already retried for longer than ISSUE_MAX_SECONDS ends FAILED at its next claim', async () => {
    const { api, aws, prisma } = pipeline;
    const room = await createClassroom(prisma, { students: 1, endpoint: aws.url, externalId: EXTERNAL_ID });
    await prisma.lab.update({ where: { id: room.labId }, data: { state: 'RUNNING', startedAt: new Date() } });
    // Retried since long ago (the default bound is 600 s), its last error a throttle.
    const session = await prisma.labSession.create({
      data: {
        tenantId: room.tenantId,
        labId: room.labId,
        studentId: room.students[0].id,
        roleSessionName: `lk-${room.students[0].handle}`,
        attempts: 1,
        firstAttemptAt: new Date(Date.now() - 601_000),
        failureCode: 'Throttling',
        failureReason: 'Rate exceeded',
      },
    });
    aws.resetCounters();
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(async () => {
      const row = await prisma.labSession.findUniqueOrThrow({ where: { id: session.id } });
      if (row.state !== 'FAILED') throw new Error(row.state);
      expect([row.failureCode, row.failureReason]).toEqual(['Throttling', 'Rate exceeded']);
    }, 20000);
    expect(aws.counters()['sts:AssumeRole'] ?? 0).toBe(0);
  });
});
