import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { PushPublisher } from '@labkeys/push';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { SseClient, type SseEvent } from '../support/sse-client';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-resume';
const PREFIX = specQueuePrefix('resume');
const STUDENTS = 30;

/** Events a stream replays: those with a push id (readiness counts are recomputed, never replayed). */
const pushed = (events: SseEvent[]) => events.filter((e) => e.id !== undefined);
/** The class's issuances; its session.queued events all come at the start, in one go. */
const issued = (events: SseEvent[]) =>
  pushed(events).filter((e) => (e.data as { type?: string }).type === 'session.issued');

describe('a stream resumed with Last-Event-ID', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    prisma = testPrisma();
    // A slow STS and few worker slots spread the issuance of the class over a couple of seconds.
    aws = await startSchoolAws([EXTERNAL_ID], { latencyByAction: { 'sts:AssumeRole': 150 } });
    const env = { QUEUE_PREFIX: PREFIX, WORKER_CONCURRENCY: '2', API_RATE_LIMIT_PER_MINUTE: '100000' };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    room = await createClassroom(prisma, { students: STUDENTS, endpoint: aws.url, externalId: EXTERNAL_ID });
  });
  afterAll(async () => {
    for (const stream of streams) stream.stop();
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  const open = async (lastEventId?: string) => {
    const url = `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}/v1/labs/${room.labId}/events`;
    const stream = await SseClient.open(url, room.ownerToken, lastEventId);
    streams.push(stream);
    return stream;
  };

  it('receives exactly the events it missed: no more, no fewer, in order', async () => {
    const control = await open();
    const interrupted = await open();
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);

    await interrupted.waitFor((events) => issued(events).length >= 5, 30000);
    interrupted.stop();
    const seen = pushed(interrupted.events);
    const lastId = seen[seen.length - 1].id!;
    await control.waitFor((events) => issued(events).length === STUDENTS, 60000);
    const missedSoFar = pushed(control.events).slice(seen.length);
    // The break really lost events: some of the class was issued while the stream was away.
    expect(missedSoFar.length).toBeGreaterThan(0);
    expect(pushed(control.events).slice(0, seen.length)).toEqual(seen);

    const resumed = await open(lastId);
    // One more event after the resumption: once it arrives on both streams, everything before it has too.
    const s = room.students[0];
    const session = await prisma.labSession.findFirstOrThrow({ where: { labId: room.labId, studentId: s.id } });
    await worker.app.get(PushPublisher).publish([
      {
        type: 'session.expiring',
        tenantId: room.tenantId,
        labId: room.labId,
        studentId: s.id,
        sessionId: session.id,
        state: 'ACTIVE',
        detail: { sentinel: true },
        at: new Date().toISOString(),
      },
    ]);
    const hasSentinel = (events: SseEvent[]) =>
      pushed(events).some((e) => (e.data as { detail?: { sentinel?: boolean } }).detail?.sentinel === true);
    await control.waitFor(hasSentinel, 20000);
    await resumed.waitFor(hasSentinel, 20000);

    const expected = pushed(control.events).slice(seen.length);
    expect(expected).toHaveLength(missedSoFar.length + 1);
    expect(pushed(resumed.events)).toEqual(expected);
    // Without the initial snapshot: a resumed stream continues, it does not start over.
    expect(resumed.events[0].id).toBe(expected[0].id);
  });
});
