import { randomUUID } from 'node:crypto';
import { specQueuePrefix } from '../support/env';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { JOB_CATALOGUE, JobName, JobProducer } from '@labkeys/queues';
import { generateToken, hashToken } from '@labkeys/secrets';
import { makeStudentHandle, roleSessionNameFor } from '@labkeys/templates';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { SseClient } from '../support/sse-client';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-issuance';
const PREFIX = specQueuePrefix('issue');

interface Creds {
  sessionId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

describe('starting a lab issues credentials to every student', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;
  const streams = new Map<string, SseClient>();

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    const env = { QUEUE_PREFIX: PREFIX, WORKER_CONCURRENCY: '16', API_RATE_LIMIT_PER_MINUTE: '100000' };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    room = await createClassroom(prisma, { students: 50, endpoint: aws.url, externalId: EXTERNAL_ID });
  });
  afterAll(async () => {
    for (const stream of streams.values()) stream.stop();
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  const base = () => `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
  const student = (i: number) => room.students[i];

  it("a lab of 50 → 50 ACTIVE, and each student's stream carries its own credentials only", async () => {
    for (const s of room.students) streams.set(s.id, await SseClient.open(`${base()}/v1/me/events`, s.token));
    const instructor = await SseClient.open(`${base()}/v1/labs/${room.labId}/events`, room.ownerToken);

    streams.set('instructor', instructor);
    const started = await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    expect(started.body).toMatchObject({ labId: room.labId, state: 'RUNNING', created: 50, alreadyLive: 0 });

    await Promise.all(
      room.students
        .map((s) => streams.get(s.id)!)
        .map((stream) => stream.waitFor((events) => events.some((e) => e.event === 'session.issued'), 60000)),
    );
    const rows = await prisma.labSession.findMany({ where: { labId: room.labId } });
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.state === 'ACTIVE')).toBe(true);

    const keyOfStudent = new Map(rows.map((r) => [r.studentId, r.accessKeyId]));
    const seenKeys = new Set<string>();
    for (const s of room.students) {
      const issued = streams.get(s.id)!.events.filter((e) => e.event === 'session.issued');
      expect(issued).toHaveLength(1);
      const creds = issued[0].data as Creds;
      expect(creds.accessKeyId).toBe(keyOfStudent.get(s.id));
      expect(creds.accessKeyId).toMatch(/^ASIA/);
      seenKeys.add(creds.accessKeyId);
    }
    expect(seenKeys.size).toBe(50);

    await instructor.waitFor(
      (events) =>
        events.some(
          (e) => e.event === 'lab.readiness' && (e.data as { counts: { ACTIVE: number } }).counts.ACTIVE === 50,
        ),
      10000,
    );
    const states = instructor.events.filter((e) => e.event === 'session.state');
    expect(JSON.stringify(states)).not.toMatch(/secretAccessKey|sessionToken/);
    instructor.stop();
  });

  it("the credentials work against AWS with the session policy's scope", async () => {
    for (const i of [0, 17, 49]) {
      const creds = streams.get(student(i).id)!.events.find((e) => e.event === 'session.issued')!.data as Creds;
      const credentials = {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
      };
      const row = await prisma.labSession.findUniqueOrThrow({ where: { id: creds.sessionId } });
      const who = await new STSClient({ endpoint: aws.url, region: 'us-east-1', credentials }).send(
        new GetCallerIdentityCommand({}),
      );
      expect(who.Arn).toBe(row.assumedRoleArn);
      expect(who.Arn).toContain(`assumed-role/labkeys-lab/lk-${student(i).handle}-`);
      const s3 = new S3Client({ endpoint: aws.url, region: 'us-east-1', forcePathStyle: true, credentials });
      await expect(
        s3.send(new ListObjectsV2Command({ Bucket: 'class-bucket', Prefix: `students/${student(i).handle}/` })),
      ).resolves.toBeDefined();
      await expect(
        s3.send(
          new ListObjectsV2Command({ Bucket: 'class-bucket', Prefix: `students/${student((i + 1) % 50).handle}/` }),
        ),
      ).rejects.toMatchObject({
        name: 'AccessDenied',
      });
    }
  });

  it('serves JSON, env, ini and credential_process formats, and the AWS CLI uses credential_process', async () => {
    const s = student(3);
    const json = await api.http.get('/v1/me/sessions/current').set(bearer(s.token)).expect(200);
    expect(json.headers['cache-control']).toBe('no-store');
    expect(json.body).toMatchObject({
      state: 'ACTIVE',
      accessKeyId: expect.stringMatching(/^ASIA/),
      region: 'us-east-1',
    });

    const env = await api.http.get('/v1/me/sessions/current?format=env').set(bearer(s.token)).expect(200);
    const vars = Object.fromEntries([...env.text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(vars).toMatchObject({
      AWS_ACCESS_KEY_ID: json.body.accessKeyId,
      AWS_SECRET_ACCESS_KEY: json.body.secretAccessKey,
      AWS_SESSION_TOKEN: json.body.sessionToken,
      AWS_REGION: 'us-east-1',
    });

    const ini = await api.http.get('/v1/me/sessions/current?format=ini&profile=lab1').set(bearer(s.token)).expect(200);
    expect(ini.text).toContain('[lab1]');
    expect(ini.text).toContain(`aws_access_key_id = ${json.body.accessKeyId}`);
    expect(ini.text).toContain(`aws_session_token = ${json.body.sessionToken}`);

    const proc = await api.http.get('/v1/me/sessions/current?format=process').set(bearer(s.token)).expect(200);
    expect(JSON.parse(proc.text)).toEqual({
      Version: 1,
      AccessKeyId: json.body.accessKeyId,
      SecretAccessKey: json.body.secretAccessKey,
      SessionToken: json.body.sessionToken,
      Expiration: json.body.expiration,
    });
    await api.http.get('/v1/me/sessions/current?format=xml').set(bearer(s.token)).expect(400);

    const dir = mkdtempSync(join(tmpdir(), 'labkeys-cli-'));
    const helper = join(dir, 'labkeys-credentials.js');
    writeFileSync(
      helper,
      `fetch(${JSON.stringify(`${base()}/v1/me/sessions/current?format=process`)}, { headers: { authorization: 'Bearer ' + process.env.LABKEYS_TOKEN } })` +
        `.then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); });`,
    );
    writeFileSync(
      join(dir, 'config'),
      `[profile lab]\nregion = us-east-1\ncredential_process = ${process.execPath} ${helper}\n`,
    );
    // Asynchronously: the api answering credential_process runs in this very process.
    const { stdout: out } = await promisify(execFile)(
      'aws',
      ['sts', 'get-caller-identity', '--profile', 'lab', '--endpoint-url', aws.url, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          AWS_CONFIG_FILE: join(dir, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
          LABKEYS_TOKEN: s.token,
        },
        encoding: 'utf8',
        timeout: 60000,
      },
    );
    const row = await prisma.labSession.findUniqueOrThrow({ where: { id: json.body.sessionId } });
    expect(JSON.parse(out).Arn).toBe(row.assumedRoleArn);
  });

  it('redirects the console link to a freshly minted sign-in that reaches the console page', async () => {
    const s = student(5);
    const redirect = await api.http.get('/v1/me/sessions/current/console').set(bearer(s.token)).expect(302);
    const login = new URL(redirect.headers.location);
    expect(login.origin).toBe(aws.url);
    expect(login.searchParams.get('Action')).toBe('login');
    expect(login.searchParams.get('Destination')).toBe('https://console.aws.amazon.com/s3/home');
    const toConsole = await fetch(login, { redirect: 'manual' });
    expect(toConsole.status).toBe(302);
    const page = await fetch(new URL(toConsole.headers.get('location')!, aws.url));
    const html = await page.text();
    const row = await prisma.labSession.findFirstOrThrow({ where: { studentId: s.id, state: 'ACTIVE' } });
    expect(html).toContain(row.assumedRoleArn!);
  });

  it('starting a running lab again creates nothing, and a job delivered again after issuance makes no STS call', async () => {
    const again = await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    expect(again.body).toMatchObject({ created: 0, alreadyLive: 50 });
    expect(await prisma.labSession.count({ where: { labId: room.labId } })).toBe(50);

    const session = await prisma.labSession.findFirstOrThrow({
      where: { labId: room.labId, studentId: student(7).id },
    });
    aws.resetCounters();
    const producer = worker.app.get(JobProducer);
    const ref = { tenantId: room.tenantId, sessionId: session.id };
    // Redelivered copies under ids of their own, as a second enqueue that bypassed the catalogue would make.
    const queue = producer.queue(JOB_QUEUE);
    const options = JOB_CATALOGUE[JobName.IssueSession].options;
    await queue.add(JobName.IssueSession, ref, { ...options, jobId: `redelivery-1-${session.id}` });
    await queue.add(JobName.IssueSession, ref, { ...options, jobId: `redelivery-2-${session.id}` });
    await eventually(async () => {
      const states = await Promise.all(
        [`redelivery-1-${session.id}`, `redelivery-2-${session.id}`].map(async (id) =>
          (await queue.getJob(id))?.getState(),
        ),
      );
      if (!states.every((state) => state === 'completed')) throw new Error(`jobs ${states.join(',')}`);
    });
    expect(aws.counters()['sts:AssumeRole'] ?? 0).toBe(0);
    const after = await prisma.labSession.findMany({ where: { labId: room.labId, studentId: student(7).id } });
    expect(after.map((s) => [s.id, s.state, s.accessKeyId])).toEqual([[session.id, 'ACTIVE', session.accessKeyId]]);
  });

  it('shows instructors states and expiries, never secrets', async () => {
    const res = await api.http
      .get(`/v1/labs/${room.labId}/sessions?limit=100`)
      .set(bearer(room.ownerToken))
      .expect(200);
    expect(res.body.items).toHaveLength(50);
    expect(res.body.items[0]).toMatchObject({
      state: 'ACTIVE',
      expiresAt: expect.any(String),
      studentHandle: expect.any(String),
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/sealedSecret|secretAccessKey|sessionToken/);
  });

  it('keeps no plaintext secret in the database or the logs', async () => {
    const secrets = room.students
      .map((s) => streams.get(s.id)!)
      .flatMap((stream) =>
        stream.events
          .filter((e) => e.event === 'session.issued')
          .flatMap((e) => [(e.data as Creds).secretAccessKey, (e.data as Creds).sessionToken]),
      );
    expect(secrets).toHaveLength(100);
    const rows = await prisma.$queryRawUnsafe<{ j: string }[]>(`SELECT row_to_json(t)::text AS j FROM lab_sessions t`);
    const audit = await prisma.$queryRawUnsafe<{ j: string }[]>(`SELECT row_to_json(t)::text AS j FROM audit_events t`);
    const dump = [...rows, ...audit].map((r) => r.j).join('\n');
    const logs = `${api.logs.text}\n${worker.logs.text}`;
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(Buffer.from(secret).toString('base64'));
      expect(logs).not.toContain(secret);
    }
    for (const s of room.students) expect(logs).not.toContain(s.token);
  });

  it('a job delivered twice at once on a PENDING session makes one AssumeRole call and one ACTIVE row', async () => {
    const handle = makeStudentHandle();
    const newcomer = await prisma.student.create({
      data: { tenantId: room.tenantId, email: `late-${handle}@example.edu`, handle },
    });
    await prisma.enrollment.create({
      data: {
        tenantId: room.tenantId,
        courseId: room.courseId,
        studentId: newcomer.id,
        accessTokenHash: hashToken(generateToken('lks')),
        tokenIssuedAt: new Date(),
      },
    });
    const sessionId = randomUUID();
    await prisma.labSession.create({
      data: {
        id: sessionId,
        tenantId: room.tenantId,
        labId: room.labId,
        studentId: newcomer.id,
        state: 'PENDING',
        roleSessionName: roleSessionNameFor({ studentHandle: handle, sessionId }),
      },
    });

    // A slow STS keeps the first delivery's call in flight while the second one runs.
    aws.setFaults({ latencyByAction: { 'sts:AssumeRole': 600 } });
    aws.resetCounters();
    const producer = worker.app.get(JobProducer);
    const ids = [`twice-1-${sessionId}`, `twice-2-${sessionId}`];
    await producer.queue(JOB_QUEUE).addBulk(
      ids.map((jobId) => ({
        name: JobName.IssueSession,
        data: { tenantId: room.tenantId, sessionId },
        opts: { jobId },
      })),
    );
    const jobs = await eventually(async () => {
      // Read once per try: a job read while it ran has no finishedOn even if it completes before a later read.
      const found = await Promise.all(ids.map((id) => producer.queue(JOB_QUEUE).getJob(id)));
      if (!found.every((job) => job?.finishedOn !== undefined))
        throw new Error(`jobs ${found.map((job) => job?.finishedOn ?? 'running').join(',')}`);
      return found.map((job) => job!);
    }, 30000);
    aws.setFaults({ latencyByAction: {} });

    // Both deliveries really ran at the same time: each started before the other finished.
    expect(jobs[0].processedOn!).toBeLessThan(jobs[1].finishedOn!);
    expect(jobs[1].processedOn!).toBeLessThan(jobs[0].finishedOn!);
    expect(jobs.map((job) => job.returnvalue).sort()).toEqual(['active', 'skipped']);
    expect(aws.counters()['sts:AssumeRole']).toBe(1);
    const rows = await prisma.labSession.findMany({ where: { labId: room.labId, studentId: newcomer.id } });
    expect(rows.map((r) => [r.id, r.state])).toEqual([[sessionId, 'ACTIVE']]);
    expect(rows[0].accessKeyId).toMatch(/^ASIA/);
  });
});

const JOB_QUEUE = 'issuance' as never;
