import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { ROOT } from '../support/processes';
import { SseClient, type SseEvent } from '../support/sse-client';
import { explicitlyDenied } from './support';

const EXTERNAL_ID = 'school-external-id-revoke-reason';
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
const run = promisify(execFile);

type Detail = Record<string, unknown> | null;
const detailOf = (e: SseEvent) => (e.data as { detail: Detail }).detail;

/**
 * The instructor's optional reason when revoking: validated, stored with the sessions, in the audit row, in the
 * instructor's list and stream, and told to the student (stream, page answer, CLI). Text only: the deny is the
 * same with or without it.
 */
describe("the instructor's revoke reason", () => {
  let pipeline: Pipeline;
  let room: Classroom;
  const streams = new Map<string, SseClient>();
  let instructor: SseClient;

  const sessionOf = (index: number) =>
    pipeline.prisma.labSession.findFirstOrThrow({
      where: { labId: room.labId, studentId: room.students[index].id },
      orderBy: { createdAt: 'desc' },
    });
  const revokeSession = (sessionId: string, body?: unknown) => {
    const req = pipeline.api.http
      .post(`/v1/labs/${room.labId}/sessions/${sessionId}/revoke`)
      .set(bearer(room.ownerToken));
    return body === undefined ? req : req.send(body as object);
  };
  const streamOf = (index: number) => streams.get(room.students[index].id)!;

  beforeAll(async () => {
    pipeline = await startPipeline([EXTERNAL_ID], { API_RATE_LIMIT_PER_MINUTE: '100000' });
    room = await createClassroom(pipeline.prisma, { students: 4, endpoint: pipeline.aws.url, externalId: EXTERNAL_ID });
    for (const s of room.students) streams.set(s.id, await SseClient.open(`${pipeline.baseUrl}/v1/me/events`, s.token));
    instructor = await SseClient.open(`${pipeline.baseUrl}/v1/labs/${room.labId}/events`, room.ownerToken);
    await pipeline.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await Promise.all(
      [...streams.values()].map((s) => s.waitFor((events) => events.some((e) => e.event === 'session.issued'), 60_000)),
    );
  });
  afterAll(async () => {
    for (const stream of streams.values()) stream.stop();
    instructor?.stop();
    await pipeline?.close();
  });

  it('refuses a reason that is empty once trimmed, too long, not one line of text, or not a string, naming the field; nothing is revoked', async () => {
    const session = await sessionOf(3);
    for (const reason of [
      '   ',
      'x'.repeat(301),
      'first line\nsecond line',
      'tab\there',
      'bell\u0007',
      'reads \u202Ebackwards',
      42,
      null,
      ['a list'],
    ]) {
      const res = await revokeSession(session.id, { reason }).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['reason']));
      expect(res.body.errors.every((e: { field: string }) => e.field === 'reason')).toBe(true);
    }
    // Unknown fields are refused as everywhere; a lab revoke checks the same way.
    expect((await revokeSession(session.id, { why: 'x' }).expect(400)).body.errors[0].field).toBe('why');
    await pipeline.api.http
      .post(`/v1/labs/${room.labId}/revoke`)
      .set(bearer(room.ownerToken))
      .send({ reason: 'x'.repeat(301) })
      .expect(400);
    await pipeline.api.http
      .post(`/v1/students/${room.students[3].id}/revoke`)
      .set(bearer(room.ownerToken))
      .send({ reason: '' })
      .expect(400);
    expect((await sessionOf(3)).state).toBe('ACTIVE');
  });

  it('is stored trimmed with the session, audited, listed and streamed to the instructor, and told to the student', async () => {
    const session = await sessionOf(0);
    const reason = 'Sharing keys in the class chat — talk to me after the lab.';
    const res = await revokeSession(session.id, { reason: `  ${reason}  ` }).expect(202);
    expect(res.body).toEqual({ revoked: 0, revoking: 1 });

    // The deny first, as without a reason: REVOKED only once AWS denies the keys.
    const student = streamOf(0);
    await student.waitFor((events) => events.some((e) => e.event === 'session.ended'), 20_000);
    const row = await pipeline.prisma.labSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(row).toMatchObject({ state: 'REVOKED', revokeReason: reason, sealedSecret: null });
    expect(explicitlyDenied(pipeline.aws, row.accessKeyId!)).toBe(true);

    // The student's stream: the revoking event and the end both carry it.
    const told = student.events.filter((e) => e.event === 'session.revoking' || e.event === 'session.ended');
    expect(told.map((e) => [e.event, detailOf(e)])).toEqual([
      ['session.revoking', { reason: 'revoked', revokeReason: reason }],
      ['session.ended', { reason: 'revoked', revokeReason: reason }],
    ]);
    // Other students hear nothing of it.
    for (const other of [1, 2, 3]) expect(JSON.stringify(streamOf(other).events)).not.toContain('revokeReason');

    // The student's page answer and the credentials route (what the CLI reads).
    const me = await pipeline.api.http.get('/v1/me/session').set(bearer(room.students[0].token)).expect(200);
    expect(me.body).toMatchObject({ status: 'revoked', lab: { sessionId: session.id, revokeReason: reason } });
    const gone = await pipeline.api.http.get('/v1/me/sessions/current').set(bearer(room.students[0].token)).expect(410);
    expect(gone.body).toMatchObject({ state: 'REVOKED', revokeReason: reason });
    expect(gone.body.detail).toContain(reason);

    // The instructor's list and stream.
    const list = await pipeline.api.http
      .get(`/v1/labs/${room.labId}/sessions`)
      .set(bearer(room.ownerToken))
      .expect(200);
    const listed = (list.body.items as { id: string; revokeReason: string | null }[]).find((s) => s.id === session.id);
    expect(listed?.revokeReason).toBe(reason);
    await instructor.waitFor((events) =>
      events.some((e) => e.event === 'session.state' && (e.data as { state: string }).state === 'REVOKED'),
    );
    const states = instructor.events.filter(
      (e) => e.event === 'session.state' && (e.data as { sessionId: string }).sessionId === session.id,
    );
    expect(states.map((e) => [(e.data as { state: string }).state, detailOf(e)?.revokeReason])).toEqual([
      ['PENDING', undefined],
      ['ACTIVE', undefined],
      ['REVOKING', reason],
      ['REVOKED', reason],
    ]);

    // The audit row of the revocation.
    const audit = await pipeline.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: room.tenantId, action: 'session.revoked', subjectId: session.id },
    });
    expect(audit.summary).toMatchObject({ reason, revoking: 1 });
  });

  it('without a reason, revokes as before: no reason stored, streamed or audited', async () => {
    const session = await sessionOf(1);
    await revokeSession(session.id).expect(202);
    const student = streamOf(1);
    await student.waitFor((events) => events.some((e) => e.event === 'session.ended'), 20_000);
    const row = await pipeline.prisma.labSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(row).toMatchObject({ state: 'REVOKED', revokeReason: null });
    expect(explicitlyDenied(pipeline.aws, row.accessKeyId!)).toBe(true);
    const told = student.events.filter((e) => e.event === 'session.revoking' || e.event === 'session.ended');
    expect(told.map((e) => detailOf(e))).toEqual([{ reason: 'revoked' }, { reason: 'revoked' }]);
    const me = await pipeline.api.http.get('/v1/me/session').set(bearer(room.students[1].token)).expect(200);
    expect(me.body.lab.revokeReason).toBeNull();
    const gone = await pipeline.api.http.get('/v1/me/sessions/current').set(bearer(room.students[1].token)).expect(410);
    expect(gone.body.detail).toBe('Your lab access has ended (revoked).');
    const audit = await pipeline.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: room.tenantId, action: 'session.revoked', subjectId: session.id },
    });
    expect(audit.summary).not.toHaveProperty('reason');
  });

  it('a lab revoked with a reason tells each live student; `labkeys status` prints it with the ended state', async () => {
    const home = mkdtempSync(join(tmpdir(), 'labkeys-reason-'));
    const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const labkeys = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env, timeout: 60_000 });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const token = room.students[2].token;
    expect((await labkeys('login', `${pipeline.baseUrl}/student#token=${token}`)).code).toBe(0);
    expect((await labkeys('status')).code).toBe(0);

    const reason = 'Lab over: the building closes at 18:00.';
    await pipeline.api.http
      .post(`/v1/labs/${room.labId}/revoke`)
      .set(bearer(room.ownerToken))
      .send({ reason })
      .expect(202);
    await streamOf(2).waitFor((events) => events.some((e) => e.event === 'session.ended'), 20_000);
    expect(detailOf(streamOf(2).events.find((e) => e.event === 'session.ended')!)).toEqual({
      reason: 'revoked',
      revokeReason: reason,
    });
    // Sessions revoked before keep their own reason (or none).
    expect((await sessionOf(0)).revokeReason).toMatch(/^Sharing keys/);
    expect((await sessionOf(1)).revokeReason).toBeNull();
    expect((await sessionOf(2)).revokeReason).toBe(reason);
    const audit = await pipeline.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: room.tenantId, action: 'lab.revoked', subjectId: room.labId },
    });
    expect(audit.summary).toMatchObject({ reason });

    const status = await labkeys('status');
    expect(status.code).toBe(6);
    expect(status.stderr).toContain('Your lab access has ended (revoked)');
    expect(status.stderr).toContain(reason);
  });
});
