import { randomBytes } from 'node:crypto';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-production';
const MASTER_KEY = `prod1:${randomBytes(32).toString('base64')}`;

/**
 * A connection row carrying an endpoint override written straight into the database (as a restored staging
 * backup would), under NODE_ENV=production: no signed call may go to that endpoint.
 */
describe('endpoint overrides are refused where they are used, in production', () => {
  let pipe: Pipeline;
  let room: Classroom;

  beforeAll(async () => {
    pipe = await startPipeline([EXTERNAL_ID], {
      NODE_ENV: 'production',
      LABKEYS_MASTER_KEY: MASTER_KEY,
      API_RATE_LIMIT_PER_MINUTE: '100000',
    });
    room = await createClassroom(pipe.prisma, { students: 3, endpoint: pipe.aws.url, externalId: EXTERNAL_ID });
  });
  afterAll(async () => {
    await pipe?.close();
  });

  it('issuance ends FAILED with a clear code and the overridden endpoint never receives a call', async () => {
    await pipe.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    const sessions = await eventually(async () => {
      const rows = await pipe.prisma.labSession.findMany({ where: { tenantId: room.tenantId, labId: room.labId } });
      if (rows.length !== 3 || rows.some((r) => r.state !== 'FAILED'))
        throw new Error(`not failed yet: ${rows.map((r) => r.state).join(',')}`);
      return rows;
    }, 30000);
    for (const session of sessions) {
      expect(session.failureCode).toBe('EndpointOverrideRefused');
      expect(session.failureReason).toContain('production');
    }
    expect(pipe.aws.counters()['sts:AssumeRole'] ?? 0).toBe(0);
  });

  it('the api refuses it too: verify reports the refusal, and no call reaches the endpoint', async () => {
    const res = await pipe.api.http.post(`/v1/connections/${room.connectionId}/verify`).set(bearer(room.ownerToken));
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body)).toContain('EndpointOverrideRefused');
    expect(
      Object.keys(pipe.aws.counters()).filter((action) => action.startsWith('sts:') || action.startsWith('iam:')),
    ).toEqual([]);
  });
});

/** Credentials issued before the row was restored into production (here: by a development worker) are served, but
 * never with the override as the students' endpoint, and no console link is minted through it. */
describe('a production api serving sessions of a connection that carries an endpoint override', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    const shared = {
      QUEUE_PREFIX: specQueuePrefix('prod-api'),
      LABKEYS_MASTER_KEY: MASTER_KEY,
      API_RATE_LIMIT_PER_MINUTE: '100000',
    };
    api = await startTestApi({ ...shared, NODE_ENV: 'production' });
    worker = await startTestWorker(shared);
    room = await createClassroom(prisma, { students: 1, endpoint: aws.url, externalId: EXTERNAL_ID });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('gives no endpoint URL to the student and refuses the console link instead of sending the keys there', async () => {
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    const student = bearer(room.students[0].token);
    const json = await eventually(async () => {
      const res = await api.http.get('/v1/me/sessions/current').set(student);
      if (res.status !== 200) throw new Error(`not yet issued: ${res.status}`);
      return res.body;
    }, 30000);
    expect(json.endpointUrl).toBeNull();
    const env = await api.http.get('/v1/me/sessions/current?format=env').set(student).expect(200);
    expect(env.text).not.toContain('AWS_ENDPOINT_URL');
    expect(env.text).not.toContain(aws.url);
    // The minter refuses before any request: the student's keys never travel to the overridden federation endpoint.
    const link = await api.http.get('/v1/me/sessions/current/console?mode=json').set(student);
    expect(link.status).toBe(409);
    expect(link.headers['content-type']).toContain('application/problem+json');
    expect(link.body).toMatchObject({ code: 'EndpointOverrideRefused', detail: expect.stringContaining('production') });
    expect(JSON.stringify(link.body)).not.toContain(aws.url);
  });
});
