import { specQueuePrefix } from '../support/env';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { JobName, JobProducer } from '@labkeys/queues';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { ACCOUNT, LAB_ROLE, startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { startTestWorker, type TestWorker } from '../support/worker';

const EXTERNAL_ID = 'school-external-id-revocation-budget';
const PREFIX = specQueuePrefix('revokebudget');
const ROLE_ID = 'AROANPPQQVDR3OV47G4BX';
const PER_LAB = [167, 167, 166];
const MINUTE = 60_000;

interface Statement {
  Effect: string;
  Condition: { StringEquals: Record<string, string | string[]>; DateLessThan?: Record<string, string> };
}

/** Whether one deny statement matches a session's tags and issue time (what aws-local evaluates). */
function denies(st: Statement, s: { id: string; labId: string; issuedAt: Date | null }): boolean {
  const eq = st.Condition.StringEquals;
  const matches = (key: string, value: string) => [eq[key]].flat().includes(value);
  if (eq['aws:PrincipalTag/labkeys:session'] !== undefined) return matches('aws:PrincipalTag/labkeys:session', s.id);
  if (!matches('aws:PrincipalTag/labkeys:lab', s.labId)) return false;
  const before = st.Condition.DateLessThan?.['aws:TokenIssueTime'];
  return before === undefined || s.issuedAt!.getTime() < Date.parse(before);
}

/**
 * 500 revocations one by one on one lab role. The ACTIVE sessions are written straight into Postgres
 * (issuing 500 through STS adds nothing here); everything from the revoke request on is the real path.
 */
describe("the revocation policy stays within the role's inline budget", () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;
  let labs: string[];
  const policyName = () => `LabKeysRevocations-${room.connectionId}`;
  const role = () => aws.iam.getRole(LAB_ROLE)!;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    const env = { QUEUE_PREFIX: PREFIX, API_RATE_LIMIT_PER_MINUTE: '100000' };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    room = await createClassroom(prisma, { students: 167, endpoint: aws.url, externalId: EXTERNAL_ID });
    const more = await Promise.all(
      [2, 3].map((n) =>
        prisma.lab.create({
          data: {
            tenantId: room.tenantId,
            courseId: room.courseId,
            templateId: room.templateId,
            name: `Lab ${n}`,
            sessionDurationSeconds: 43200,
          },
        }),
      ),
    );
    labs = [room.labId, ...more.map((l) => l.id)];
    await prisma.lab.updateMany({ where: { id: { in: labs } }, data: { state: 'RUNNING', startedAt: new Date() } });
    const start = Date.now() - 4 * 60 * MINUTE;
    const rows = labs.flatMap((labId, l) =>
      room.students.slice(0, PER_LAB[l]).map((student, k) => {
        const id = randomUUID();
        const name = `lk-${student.handle}-${id.slice(0, 8)}`;
        // One issue per minute, in student order: revoking in that order lets each lab fold into one statement.
        const issuedAt = new Date(start + k * MINUTE + l * 1000);
        return {
          id,
          tenantId: room.tenantId,
          labId,
          studentId: student.id,
          state: 'ACTIVE' as const,
          roleSessionName: name,
          accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
          assumedRoleId: `${ROLE_ID}:${name}`,
          assumedRoleArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${LAB_ROLE}/${name}`,
          issuedAt,
          expiresAt: new Date(issuedAt.getTime() + 12 * 60 * MINUTE),
          attempts: 1,
        };
      }),
    );
    await prisma.labSession.createMany({ data: rows });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('revoking 500 sessions one by one across 3 labs never takes the role past 10,240 characters', async () => {
    const order = (
      await prisma.labSession.findMany({ where: { labId: { in: labs } }, orderBy: [{ issuedAt: 'asc' }] })
    ).map((s) => s);
    expect(order).toHaveLength(500);
    let largest = 0;
    for (const session of order) {
      await api.http
        .post(`/v1/labs/${session.labId}/sessions/${session.id}/revoke`)
        .set(bearer(room.ownerToken))
        .expect(202, { revoked: 0, revoking: 1 });
      await eventually(
        async () => {
          const row = await prisma.labSession.findUniqueOrThrow({ where: { id: session.id } });
          if (row.state !== 'REVOKED') throw new Error(`${session.id} is ${row.state}`);
        },
        20000,
        10,
      );
      largest = Math.max(largest, role().inlinePolicySize);
      expect(role().inlinePolicySize).toBeLessThanOrEqual(10_240);
    }
    // The exact list alone would need about 39 characters per session.
    expect(largest).toBeGreaterThan(8_000);
    // Every revoked session is still denied: listed by id, or folded into its lab's issued-before statement.
    const statements = (role().inlinePolicies[policyName()] as { Statement: Statement[] }).Statement;
    const uncovered = order.filter((s) => !statements.some((st) => denies(st, s)));
    expect(uncovered).toEqual([]);
    expect(statements.filter((st) => st.Condition.DateLessThan).length).toBeGreaterThanOrEqual(1);
    expect(await prisma.revocationEntry.count({ where: { tenantId: room.tenantId, state: 'APPLIED' } })).toBe(500);
  }, 300_000);

  it('entries are pruned once their sessions have expired, and the policy goes with the last one', async () => {
    const entries = await prisma.revocationEntry.findMany({ where: { tenantId: room.tenantId } });
    const sessions = new Map(
      (await prisma.labSession.findMany({ where: { labId: { in: labs } } })).map((s) => [s.id, s]),
    );
    for (const e of entries) expect(e.coversUntil).toEqual(sessions.get(e.sessionId!)!.expiresAt);

    const producer = worker.app.get(JobProducer);
    // What waiting out the 12-hour sessions of the first lab would do: their expiry passes, and the clock
    // margin (REVOCATION_CLOCK_MARGIN_SECONDS, 60 s) after it.
    const past = new Date(Date.now() - 2 * MINUTE);
    await prisma.labSession.updateMany({ where: { labId: labs[0] }, data: { expiresAt: past } });
    await prisma.revocationEntry.updateMany({ where: { labId: labs[0] }, data: { coversUntil: past } });
    const before = role().inlinePolicySize;
    await producer.add(JobName.Sweep, {});
    await eventually(async () => {
      if ((await prisma.revocationEntry.count({ where: { labId: labs[0], state: 'PRUNED' } })) !== 167)
        throw new Error('not pruned yet');
    }, 20000);
    const doc = JSON.stringify(role().inlinePolicies[policyName()]);
    expect(doc).not.toContain(labs[0]);
    for (const s of sessions.values()) if (s.labId === labs[0]) expect(doc).not.toContain(s.id);
    expect(role().inlinePolicySize).toBeLessThanOrEqual(before);

    await prisma.labSession.updateMany({ where: { labId: { in: labs } }, data: { expiresAt: past } });
    await prisma.revocationEntry.updateMany({ where: { tenantId: room.tenantId }, data: { coversUntil: past } });
    await producer.add(JobName.Sweep, {});
    await eventually(async () => {
      if (role().inlinePolicies[policyName()] !== undefined) throw new Error('policy still there');
      if ((await prisma.revocationEntry.count({ where: { tenantId: room.tenantId, state: { not: 'PRUNED' } } })) > 0)
        throw new Error('entries not pruned');
    }, 20000);
    expect(Object.keys(role().inlinePolicies)).toEqual(['lab-permissions']);
    expect(await prisma.revocationEntry.count({ where: { tenantId: room.tenantId, state: { not: 'PRUNED' } } })).toBe(
      0,
    );
    expect(await prisma.labSession.count({ where: { labId: { in: labs }, state: 'REVOKED' } })).toBe(500);
  });
});
