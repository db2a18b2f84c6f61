import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { SseClient, type SseEvent } from '../support/sse-client';

const EXTERNAL_ID = 'school-external-id-class-progress';
const STUDENTS = 5;

interface Progress {
  labId: string;
  ready: number;
  waiting: number;
  failed: number;
  total: number;
}
const progressOf = (events: SseEvent[]) =>
  events.filter((e) => e.event === 'lab.progress').map((e) => e.data as Progress);
const last = (events: SseEvent[]) => progressOf(events).at(-1);

/**
 * While a student's own session is being issued, their stream follows the class start as counts: `lab.progress`
 * (ready, waiting, failed, total), coalesced, with nobody's id or email. aws-local throttles the first student's
 * AssumeRole (by role session name) so the rest of the class is issued while they wait, with no timing guessed.
 */
describe("a waiting student's stream follows the class start", () => {
  let pipeline: Pipeline;
  let room: Classroom;
  let other: Classroom;
  const streams: SseClient[] = [];
  const open = async (token: string, lastEventId?: string) => {
    const stream = await SseClient.open(`${pipeline.baseUrl}/v1/me/events`, token, lastEventId);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    // Ten claims span about two minutes of backoff: the held-back student outlasts the test's waits.
    pipeline = await startPipeline([EXTERNAL_ID], { API_RATE_LIMIT_PER_MINUTE: '100000', ISSUE_MAX_ATTEMPTS: '10' });
    room = await createClassroom(pipeline.prisma, {
      students: STUDENTS,
      endpoint: pipeline.aws.url,
      externalId: EXTERNAL_ID,
    });
    // Another school on the same api, waiting in its own lab at the same time.
    other = await createClassroom(pipeline.prisma, {
      students: 2,
      endpoint: pipeline.aws.url,
      externalId: EXTERNAL_ID,
    });
  });
  afterAll(async () => {
    for (const stream of streams) stream.stop();
    pipeline?.aws.setFaults({ throttleRoleSessionNames: [] });
    await pipeline?.close();
  });

  it('counts the class as it gets ready, live, while the student waits; counts only; then stops once their keys came', async () => {
    const [waiting, classmate] = room.students;
    // At first AWS throttles the whole class: nobody is ready.
    pipeline.aws.setFaults({ throttleRoleSessionNames: ['lk-'] });
    const stream = await open(waiting.token);
    const classmateStream = await open(classmate.token);
    const otherSchool = await open(other.students[0].token);
    // Before the start: nothing to wait for, so no progress.
    expect(progressOf(stream.events)).toEqual([]);

    await pipeline.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await pipeline.api.http.post(`/v1/labs/${other.labId}/start`).set(bearer(other.ownerToken)).expect(202);
    // Told the lab started (the page switches to "being issued"), then the class's counts as they change.
    await stream.waitFor((events) => events.some((e) => e.event === 'session.queued'));
    await stream.waitFor((events) => last(events)?.waiting === STUDENTS);
    expect(last(stream.events)).toEqual({ labId: room.labId, ready: 0, waiting: STUDENTS, failed: 0, total: STUDENTS });
    // Then it lets everyone through but this student (and one of the other school).
    pipeline.aws.setFaults({
      throttleRoleSessionNames: [`lk-${waiting.handle}-`, `lk-${other.students[0].handle}-`],
    });
    await stream.waitFor((events) => {
      const p = last(events);
      return !!p && p.ready === STUDENTS - 1 && p.waiting === 1;
    }, 60_000);
    const seen = progressOf(stream.events);
    expect(seen[0]).toMatchObject({ labId: room.labId, total: STUDENTS });
    expect(seen.at(-1)).toEqual({ labId: room.labId, ready: STUDENTS - 1, waiting: 1, failed: 0, total: STUDENTS });
    for (const p of seen) expect(p.ready + p.waiting + p.failed).toBe(p.total);
    // Counts only: no classmate's id, email, handle or session, no credentials.
    const said = JSON.stringify(seen);
    for (const s of room.students.filter((x) => x !== waiting))
      for (const value of [s.id, s.email, s.handle]) expect(said).not.toContain(value);
    expect(Object.keys(seen[0]).sort()).toEqual(['failed', 'labId', 'ready', 'total', 'waiting']);
    // Coalesced: at most one recount per change of the class (each classmate's queueing and issuance), and
    // usually far fewer.
    expect(seen.length).toBeLessThanOrEqual(2 * STUDENTS + 1);

    // The other school's waiting student follows their own lab only.
    await otherSchool.waitFor((events) => last(events)?.ready === 1);
    expect(progressOf(otherSchool.events).every((p) => p.labId === other.labId && p.total === 2)).toBe(true);
    expect(progressOf(stream.events).every((p) => p.labId === room.labId)).toBe(true);

    // A stream opened (or resumed) while waiting gets the counts at once.
    const lastId = stream.events.filter((e) => e.id).at(-1)!.id!;
    const resumed = await open(waiting.token, lastId);
    await resumed.waitFor((events) => last(events)?.ready === STUDENTS - 1);
    const fresh = await open(waiting.token);
    await fresh.waitFor((events) => events.some((e) => e.event === 'session.current' || e.event === 'lab.progress'));
    await fresh.waitFor((events) => last(events)?.waiting === 1);

    // The classmate's own keys came at once; their stream has no progress after its issuance.
    await classmateStream.waitFor((events) => events.some((e) => e.event === 'session.issued'));
    const issuedAt = classmateStream.events.findIndex((e) => e.event === 'session.issued');

    // AWS lets the waiting student through: the keys come and the class is complete.
    pipeline.aws.setFaults({ throttleRoleSessionNames: [] });
    await stream.waitFor((events) => events.some((e) => e.event === 'session.issued'), 60_000);
    const after = stream.events.slice(stream.events.findIndex((e) => e.event === 'session.issued'));
    expect(progressOf(after).every((p) => p.ready === STUDENTS)).toBe(true);

    // Once ready, a lab change (a classmate revoked) sends the waiting student's stream nothing more of it;
    // the classmate's revocation reaches the classmate, which is how we know the change went by.
    const progressBefore = progressOf(stream.events).length;
    const classmateSession = await pipeline.prisma.labSession.findFirstOrThrow({
      where: { labId: room.labId, studentId: classmate.id },
    });
    await pipeline.api.http
      .post(`/v1/labs/${room.labId}/sessions/${classmateSession.id}/revoke`)
      .set(bearer(room.ownerToken))
      .expect(202);
    await classmateStream.waitFor((events) => events.some((e) => e.event === 'session.ended'), 30_000);
    // A fresh stream of the now-ready student gets no progress either (it is not waiting).
    const ready = await open(waiting.token);
    await ready.waitFor((events) => events.some((e) => e.event === 'session.current'));
    expect(progressOf(ready.events)).toEqual([]);
    expect(progressOf(stream.events).length).toBe(progressBefore);
    expect(progressOf(classmateStream.events.slice(issuedAt + 1)).length).toBe(0);
  });
});
