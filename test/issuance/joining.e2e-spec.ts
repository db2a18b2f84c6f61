import { specQueuePrefix } from '../support/env';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-joining';
const PREFIX = specQueuePrefix('join');

describe('students joining a running lab, and labs starting at their start time', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    const env = { QUEUE_PREFIX: PREFIX, WORKER_CONCURRENCY: '8' };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    room = await createClassroom(prisma, { students: 3, endpoint: aws.url, externalId: EXTERNAL_ID });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('issues credentials to a student enrolled into a course whose lab is running', async () => {
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    const imported = await api.http
      .post(`/v1/courses/${room.courseId}/students`)
      .set(bearer(room.ownerToken))
      .send({ students: [{ email: 'late-joiner@example.edu', displayName: 'Late Joiner' }] })
      .expect(200);
    const [link] = imported.body.accessLinks;
    expect(link.accessLink).toMatch(/\/student#token=lks_/);
    // The link opens a page that needs no server-side token: the token stays in the fragment.
    const page = await api.http.get(new URL(link.accessLink).pathname).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="root"></div>');
    const creds = await eventually(
      async () => {
        const res = await api.http.get('/v1/me/sessions/current').set(bearer(link.accessToken));
        if (res.status !== 200) throw new Error(`still ${res.status}`);
        return res.body;
      },
      20000,
      100,
    );
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(await prisma.labSession.count({ where: { labId: room.labId } })).toBe(4);
  });

  it('answers 404 before any session, and 409 while one is being issued', async () => {
    const idle = await createClassroom(prisma, { students: 1, endpoint: aws.url, externalId: EXTERNAL_ID });
    const none = await api.http.get('/v1/me/sessions/current').set(bearer(idle.students[0].token)).expect(404);
    expect(none.headers['content-type']).toMatch(/problem\+json/);
    await prisma.labSession.create({
      data: {
        tenantId: idle.tenantId,
        labId: idle.labId,
        studentId: idle.students[0].id,
        state: 'PENDING',
        roleSessionName: 'lk-pending-test',
      },
    });
    await api.http.get('/v1/me/sessions/current').set(bearer(idle.students[0].token)).expect(409);
    await api.http.get('/v1/me/sessions/current').set(bearer(room.ownerToken)).expect(401);
  });

  it('starts a lab by itself at its start time', async () => {
    const later = await createClassroom(prisma, { students: 2, endpoint: aws.url, externalId: EXTERNAL_ID });
    const startsAt = new Date(Date.now() + 1500).toISOString();
    await api.http.patch(`/v1/labs/${later.labId}`).set(bearer(later.ownerToken)).send({ startsAt }).expect(200);
    const lab = await eventually(
      async () => {
        const row = await prisma.lab.findUniqueOrThrow({ where: { id: later.labId } });
        if (row.state !== 'RUNNING') throw new Error(`lab still ${row.state}`);
        return row;
      },
      20000,
      100,
    );
    expect(lab.startedAt!.getTime()).toBeGreaterThanOrEqual(new Date(startsAt).getTime() - 50);
    await eventually(
      async () => {
        const active = await prisma.labSession.count({ where: { labId: later.labId, state: 'ACTIVE' } });
        if (active !== 2) throw new Error(`${active} active`);
      },
      20000,
      100,
    );
  });
});
