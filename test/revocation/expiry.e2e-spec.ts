import { specQueuePrefix } from '../support/env';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { JobName, JobProducer } from '@labkeys/queues';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { SseClient } from '../support/sse-client';
import { startTestWorker, type TestWorker } from '../support/worker';
import type { Creds } from './support';

const EXTERNAL_ID = 'school-external-id-expiry';
const PREFIX = specQueuePrefix('revokeexpiry');
const SKEW_MS = 901_000;

/**
 * Sessions of the shortest duration STS allows (900 s). Time passing is simulated on both sides: aws-local's
 * clock moves forward by its clock-skew fault, and the session's recorded expiry is moved to match.
 */
describe('expired credentials', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;
  let stream: SseClient;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    const env = { QUEUE_PREFIX: PREFIX, API_RATE_LIMIT_PER_MINUTE: '100000' };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    room = await createClassroom(prisma, {
      students: 2,
      endpoint: aws.url,
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
    });
    const base = `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
    stream = await SseClient.open(`${base}/v1/me/events`, room.students[0].token);
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await stream.waitFor((events) => events.some((e) => e.event === 'session.issued'), 30000);
  });
  afterAll(async () => {
    stream?.stop();
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('get ExpiredToken from AWS and have their sealed secret destroyed', async () => {
    const creds = stream.events.find((e) => e.event === 'session.issued')!.data as Creds;
    const call = (offsetMs: number) =>
      new S3Client({
        endpoint: aws.url,
        region: 'us-east-1',
        forcePathStyle: true,
        maxAttempts: 1,
        // One attempt leaves no room for the SDK's own skew correction: sign on aws-local's clock.
        systemClockOffset: offsetMs,
        credentials: {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
        },
      }).send(new ListObjectsV2Command({ Bucket: 'class-bucket', Prefix: `students/${room.students[0].handle}/` }));
    await expect(call(0)).resolves.toBeDefined();

    aws.setFaults({ clockSkewMs: SKEW_MS });
    await expect(call(SKEW_MS)).rejects.toMatchObject({ name: 'ExpiredToken' });

    const row = await prisma.labSession.findUniqueOrThrow({ where: { id: creds.sessionId } });
    expect(row.sealedSecret).not.toBeNull();
    await prisma.labSession.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await worker.app.get(JobProducer).add(JobName.Sweep, {});
    await eventually(async () => {
      const after = await prisma.labSession.findUniqueOrThrow({ where: { id: row.id } });
      if (after.state !== 'EXPIRED') throw new Error(`still ${after.state}`);
    }, 20000);
    const after = await prisma.labSession.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.sealedSecret).toBeNull();
    expect(after.sealKeyId).toBeNull();
    await stream.waitFor((events) =>
      events.some((e) => e.event === 'session.ended' && (e.data as { state: string }).state === 'EXPIRED'),
    );
    const ended = await api.http.get('/v1/me/sessions/current').set(bearer(room.students[0].token)).expect(410);
    expect(ended.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ended.body).toMatchObject({ status: 410, state: 'EXPIRED' });
    expect(JSON.stringify(ended.body)).not.toContain(creds.accessKeyId);
  });
});
