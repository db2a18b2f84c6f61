import { specQueuePrefix } from '../support/env';
import { DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { ADMIN_CREDENTIALS, LAB_ROLE, startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { SseClient } from '../support/sse-client';
import { startTestWorker, type TestWorker } from '../support/worker';
import { explicitlyDenied } from './support';

const EXTERNAL_ID = 'school-external-id-revocation-failures';
const PREFIX = specQueuePrefix('revokefail');

interface SessionView {
  id: string;
  state: string;
  failureCode: string | null;
  failureReason: string | null;
}

describe('when IAM cannot take the deny, sessions stay "not yet revoked" and the instructor is told', () => {
  let aws: AwsLocal;
  let api: TestApi;
  let worker: TestWorker;
  let prisma: PrismaClient;
  let room: Classroom;
  let instructor: SseClient;
  let iam: IAMClient;
  /** Every moment LabKeys said REVOKED, AWS must already deny; collected while polling. */
  const violations: string[] = [];

  const base = () => `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
  const sessionOf = (i: number) =>
    prisma.labSession.findFirstOrThrow({ where: { labId: room.labId, studentId: room.students[i].id } });
  const listed = async (id: string): Promise<SessionView> => {
    const res = await api.http
      .get(`/v1/labs/${room.labId}/sessions?limit=100`)
      .set(bearer(room.ownerToken))
      .expect(200);
    return (res.body.items as SessionView[]).find((s) => s.id === id)!;
  };
  const checkNothingFalselyRevoked = async () => {
    for (const row of await prisma.labSession.findMany({ where: { labId: room.labId, state: 'REVOKED' } })) {
      if (!explicitlyDenied(aws, row.accessKeyId!)) violations.push(`${row.id} REVOKED but allowed by AWS`);
    }
  };

  async function expectPendingThenRevoked(
    sessionId: string,
    accessKeyId: string,
    reason: RegExp,
    heal: () => Promise<void>,
  ): Promise<void> {
    await eventually(async () => {
      await checkNothingFalselyRevoked();
      const view = await listed(sessionId);
      if (view.failureCode !== 'RevocationPending') throw new Error(`listed as ${JSON.stringify(view)}`);
    }, 20000);
    const view = await listed(sessionId);
    expect(view).toMatchObject({
      state: 'REVOKING',
      failureCode: 'RevocationPending',
      failureReason: expect.stringMatching(reason),
    });
    expect(view.failureReason).toMatch(/^Not yet revoked/);
    await instructor.waitFor((events) =>
      events.some(
        (e) =>
          (e.data as { type?: string; sessionId?: string }).type === 'revocation.pending' &&
          (e.data as { sessionId: string }).sessionId === sessionId,
      ),
    );
    // Not denied yet, and not claimed to be.
    expect(explicitlyDenied(aws, accessKeyId)).toBe(false);
    expect((await prisma.labSession.findUniqueOrThrow({ where: { id: sessionId } })).state).toBe('REVOKING');

    await heal();
    await eventually(async () => {
      await checkNothingFalselyRevoked();
      const row = await prisma.labSession.findUniqueOrThrow({ where: { id: sessionId } });
      if (row.state !== 'REVOKED') throw new Error(`still ${row.state}`);
    }, 40000);
    expect(explicitlyDenied(aws, accessKeyId)).toBe(true);
    expect(await listed(sessionId)).toMatchObject({ state: 'REVOKED', failureCode: null, failureReason: null });
    expect(violations).toEqual([]);
  }

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
    const env = { QUEUE_PREFIX: PREFIX, API_RATE_LIMIT_PER_MINUTE: '100000', SWEEP_INTERVAL_SECONDS: '2' };
    api = await startTestApi(env);
    worker = await startTestWorker(env);
    room = await createClassroom(prisma, { students: 4, endpoint: aws.url, externalId: EXTERNAL_ID });
    iam = new IAMClient({ endpoint: aws.url, region: 'us-east-1', credentials: ADMIN_CREDENTIALS });
    instructor = await SseClient.open(`${base()}/v1/labs/${room.labId}/events`, room.ownerToken);
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(async () => {
      if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } })) !== 4)
        throw new Error('not all active');
    }, 30000);
  });
  afterAll(async () => {
    instructor?.stop();
    iam?.destroy();
    await worker?.close();
    await api?.close();
    await aws?.close();
    await prisma.$disconnect();
  });

  it('IAM answering 5xx: retried with backoff, shown as not yet revoked, REVOKED once IAM takes it', async () => {
    const target = await sessionOf(0);
    aws.setFaults({ errorRate: 1, actions: ['iam:PutRolePolicy'] });
    await api.http
      .post(`/v1/students/${room.students[0].id}/revoke`)
      .set(bearer(room.ownerToken))
      .expect(202, { revoked: 0, revoking: 1 });
    await eventually(async () => {
      if ((aws.counters()['iam:PutRolePolicy'] ?? 0) < 2) throw new Error('no retry yet');
    }, 20000);
    await expectPendingThenRevoked(target.id, target.accessKeyId!, /InternalFailure|ServiceUnavailable/, async () => {
      aws.setFaults({ errorRate: 0, actions: null });
    });
    const classmate = await sessionOf(1);
    expect(explicitlyDenied(aws, classmate.accessKeyId!)).toBe(false);
  });

  it("the role's inline budget full (LimitExceeded): kept pending, then revoked once room is made", async () => {
    const target = await sessionOf(1);
    // Another inline policy takes all but 20 of the role's 10,240 characters: one more session id (39) cannot fit.
    const room20 = 10_240 - aws.iam.getRole(LAB_ROLE)!.inlinePolicySize - 20;
    const head = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: [] }],
    }).length;
    const resources: string[] = [];
    let left = room20 - head;
    while (left > 0) {
      const length = Math.min(200, left - 3);
      resources.push(`arn:aws:s3:::filler/${'a'.repeat(Math.max(1, length - 20))}`);
      left -= resources.at(-1)!.length + 3;
    }
    const filler = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }],
    });
    await iam.send(
      new PutRolePolicyCommand({ RoleName: LAB_ROLE, PolicyName: 'school-extras', PolicyDocument: filler }),
    );
    expect(aws.iam.getRole(LAB_ROLE)!.inlinePolicySize).toBeGreaterThan(10_240 - 40);

    await api.http
      .post(`/v1/labs/${room.labId}/sessions/${target.id}/revoke`)
      .set(bearer(room.ownerToken))
      .expect(202, { revoked: 0, revoking: 1 });
    await expectPendingThenRevoked(target.id, target.accessKeyId!, /characters/, async () => {
      await iam.send(new DeleteRolePolicyCommand({ RoleName: LAB_ROLE, PolicyName: 'school-extras' }));
    });
    const entry = await prisma.revocationEntry.findFirstOrThrow({ where: { sessionId: target.id } });
    expect(entry).toMatchObject({ state: 'APPLIED', lastError: null });
    for (const i of [2, 3]) expect(explicitlyDenied(aws, (await sessionOf(i)).accessKeyId!)).toBe(false);
  });
});
