import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Queue } from 'bullmq';
import { ALL_QUEUES, redisOptionsFromUrl } from '@labkeys/queues';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { specQueuePrefix, testEnv } from '../support/env';
import { LogCapture } from '../support/log-capture';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';

const EXTERNAL_ID = 'school-external-id-board';
const OPERATOR_TOKEN = `operator-${randomBytes(24).toString('hex')}`;
const STUDENTS = 8;
const JOB_STATES = [
  'active',
  'completed',
  'delayed',
  'failed',
  'paused',
  'prioritized',
  'waiting',
  'waiting-children',
] as const;
/** What a job's data may hold: ids of the catalogue's payloads and the request id. */
const ID_FIELDS = new Set(['tenantId', 'sessionId', 'labId', 'connectionId', 'roleArn', 'deliveryId', 'requestId']);

const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

describe('the queue board at /admin/queues', () => {
  let pipe: Pipeline;
  let room: Classroom;
  const prefix = specQueuePrefix('board');

  beforeAll(async () => {
    pipe = await startPipeline([EXTERNAL_ID], { OPERATOR_TOKEN, QUEUE_PREFIX: prefix });
    room = await createClassroom(pipe.prisma, { students: STUDENTS, endpoint: pipe.aws.url, externalId: EXTERNAL_ID });
    await pipe.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(
      async () => {
        const active = await pipe.prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } });
        if (active !== STUDENTS) throw new Error(`${active} ACTIVE`);
      },
      30000,
      200,
    );
  });
  afterAll(async () => {
    await pipe?.close();
  });

  it('answers 401 without the operator token and with any tenant token', async () => {
    const refusals = [
      await pipe.api.http.get('/admin/queues'),
      await pipe.api.http.get('/admin/queues/api/queues'),
      await pipe.api.http.get('/admin/queues').set(bearer(room.ownerToken)),
      await pipe.api.http.get('/admin/queues/api/queues').set(bearer(room.students[0].token)),
      await pipe.api.http.get('/admin/queues').set('Authorization', `Bearer ${OPERATOR_TOKEN}x`),
      await pipe.api.http.get('/admin/queues').auth('operator', room.ownerToken),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="LabKeys operator"/);
      expect(res.text).not.toContain('issuance');
    }
  });

  it('lists every queue with the operator token, as a bearer token or the password of a browser sign-in', async () => {
    const page = await pipe.api.http.get('/admin/queues').set(operator).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const basic = await pipe.api.http.get('/admin/queues/api/queues').auth('anyone', OPERATOR_TOKEN).expect(200);
    const names = (basic.body.queues as { name: string; readOnlyMode: boolean }[]).map((q) => q.name).sort();
    expect(names).toEqual([...ALL_QUEUES].sort());
    expect((basic.body.queues as { readOnlyMode: boolean }[]).every((q) => q.readOnlyMode)).toBe(true);
  });

  it('refuses retry, clean and other actions while OPERATOR_QUEUE_ACTIONS is off', async () => {
    const issuance = new Queue('issuance', { connection: redisOptionsFromUrl(process.env.REDIS_URL!), prefix: prefix });
    try {
      const completedBefore = await issuance.getJobCountByTypes('completed');
      expect(completedBefore).toBe(STUDENTS);
      const attempts = [
        pipe.api.http.put('/admin/queues/api/queues/issuance/retry/failed').set(operator),
        pipe.api.http.put('/admin/queues/api/queues/issuance/clean/completed').set(operator),
        pipe.api.http.put(`/admin/queues/api/queues/issuance/issue-${await firstSessionId()}/clean`).set(operator),
        pipe.api.http.put('/admin/queues/api/queues/issuance/pause').set(operator),
        pipe.api.http
          .post('/admin/queues/api/queues/issuance/add')
          .set(operator)
          .send({ name: 'issue-session', data: {} }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(405);
        expect(res.body).toMatchObject({ status: 405, type: 'urn:labkeys:problem:queue-actions-off' });
      }
      expect(await issuance.getJobCountByTypes('completed')).toBe(completedBefore);
      expect(await issuance.isPaused()).toBe(false);
    } finally {
      await issuance.close();
    }
  });

  it('shows ids only: no job of the started lab holds a secret, in Redis or on the board', async () => {
    // What must never be in Redis: the students' credentials and tokens, the owner's token.
    const secrets = [room.ownerToken, ...room.students.map((s) => s.token)];
    for (const s of room.students.slice(0, 3)) {
      const creds = await pipe.api.http.get('/v1/me/sessions/current').set(bearer(s.token)).expect(200);
      secrets.push(creds.body.accessKeyId, creds.body.secretAccessKey, creds.body.sessionToken);
    }
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 16)).toBe(true);

    let inspected = 0;
    for (const name of ALL_QUEUES) {
      const queue = new Queue(name, { connection: redisOptionsFromUrl(process.env.REDIS_URL!), prefix: prefix });
      try {
        for (const job of await queue.getJobs([...JOB_STATES], 0, -1)) {
          inspected++;
          for (const [key, value] of Object.entries(job.data as Record<string, unknown>)) {
            expect({ key, allowed: ID_FIELDS.has(key) }).toEqual({ key, allowed: true });
            expect(typeof value).toBe('string');
          }
          const stored = JSON.stringify({
            data: job.data,
            returnvalue: job.returnvalue,
            failedReason: job.failedReason,
            stacktrace: job.stacktrace,
          });
          for (const secret of secrets) expect(stored.includes(secret)).toBe(false);
        }
        const board = await pipe.api.http
          .get(`/admin/queues/api/queues?activeQueue=${name}&status=latest&jobsPerPage=1000`)
          .set(operator)
          .expect(200);
        for (const secret of secrets) expect(board.text.includes(secret)).toBe(false);
      } finally {
        await queue.close();
      }
    }
    // The lab's issuance jobs and the expiry jobs they queued, at least.
    expect(inspected).toBeGreaterThanOrEqual(2 * STUDENTS);
  });

  async function firstSessionId(): Promise<string> {
    return (await pipe.prisma.labSession.findFirstOrThrow({ where: { labId: room.labId }, select: { id: true } })).id;
  }
});

describe('the queue board when no operator token is set, and with actions on', () => {
  it('is not there without OPERATOR_TOKEN', async () => {
    const app = await createApiApp(testEnv({}), { logStream: new LogCapture() });
    try {
      await app.init();
      const res = await request(app.getHttpServer())
        .get('/admin/queues')
        .set('Authorization', 'Bearer anything-at-all');
      expect(res.status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('lets the operator clean a queue with OPERATOR_QUEUE_ACTIONS=true', async () => {
    const app: NestExpressApplication = await createApiApp(
      testEnv({ OPERATOR_TOKEN, OPERATOR_QUEUE_ACTIONS: 'true', QUEUE_PREFIX: specQueuePrefix('boardon') }),
      { logStream: new LogCapture() },
    );
    try {
      await app.init();
      const listed = await request(app.getHttpServer()).get('/admin/queues/api/queues').set(operator).expect(200);
      expect((listed.body.queues as { readOnlyMode: boolean }[]).every((q) => !q.readOnlyMode)).toBe(true);
      await request(app.getHttpServer()).put('/admin/queues/api/queues/mail/clean/completed').set(operator).expect(200);
    } finally {
      await app.close();
    }
  });
});
