import { tenantScopeOf } from '@labkeys/database';
import { JobProducer, QueueName } from '@labkeys/queues';
import { RevocationApplier } from '../../apps/worker/src/revocation/revocation-applier';
import { bearer } from '../support/api';
import { LAB_ROLE, LAB_ROLE_ARN } from '../support/aws-world';
import { createClassroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';
import { explicitlyDenied } from './support';

const EXTERNAL_ID = 'school-external-id-applier-race';

/**
 * Issue 9, acceptance 4. Two appliers of one role at once (a stalled job redelivered while the first still
 * runs): the first read its entries and is slow to write; the second reads a newer set and would write first.
 * The role's lock makes the second wait and read what the first wrote, so no deny is lost.
 */
describe('two revocation appliers for the same role', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline([EXTERNAL_ID], { API_RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('end with a document holding every entry of both, and every REVOKED session denied', async () => {
    const { aws, api, worker, prisma } = pipeline;
    const room = await createClassroom(prisma, { students: 3, endpoint: aws.url, externalId: EXTERNAL_ID });
    const owner = bearer(room.ownerToken);
    await api.http.post(`/v1/labs/${room.labId}/start`).set(owner).expect(202);
    await eventually(async () => {
      if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } })) !== 3)
        throw new Error('not ACTIVE yet');
    }, 30000);
    const [first, second] = await prisma.labSession.findMany({ where: { labId: room.labId }, orderBy: { id: 'asc' } });

    // The worker's applier takes the first revocation and is slow to write it.
    aws.resetCounters();
    aws.faults = { latencyByAction: { 'iam:PutRolePolicy': 3000 } };
    await api.http.post(`/v1/labs/${room.labId}/sessions/${first.id}/revoke`).set(owner).expect(202);
    await eventually(
      async () => {
        if ((aws.counters()['iam:PutRolePolicy'] ?? 0) < 1) throw new Error('first write not sent yet');
      },
      20000,
      20,
    );
    aws.faults = { latencyByAction: { 'iam:PutRolePolicy': 0 } };

    // Meanwhile a second revocation, and a second applier of the same role (a redelivered job).
    await api.http.post(`/v1/labs/${room.labId}/sessions/${second.id}/revoke`).set(owner).expect(202);
    await worker.app.get(RevocationApplier).apply(tenantScopeOf(room.tenantId), {
      tenantId: room.tenantId,
      connectionId: room.connectionId,
      roleArn: LAB_ROLE_ARN,
    });

    await eventually(async () => {
      const rows = await prisma.labSession.findMany({ where: { id: { in: [first.id, second.id] } } });
      if (!rows.every((r) => r.state === 'REVOKED')) throw new Error(`states ${rows.map((r) => r.state).join(',')}`);
    }, 20000);
    // Once the slow write has landed too (the worker's revocation job is done), AWS holds both denies.
    const revocations = worker.app.get(JobProducer).queue(QueueName.Revocation);
    await eventually(async () => {
      if (
        (await revocations.getActiveCount()) +
          (await revocations.getWaitingCount()) +
          (await revocations.getDelayedCount()) >
        0
      )
        throw new Error('revocation job still running');
    }, 20000);
    const doc = JSON.stringify(aws.iam.getRole(LAB_ROLE)!.inlinePolicies[`LabKeysRevocations-${room.connectionId}`]);
    expect(doc).toContain(first.id);
    expect(doc).toContain(second.id);
    for (const row of await prisma.labSession.findMany({ where: { labId: room.labId, state: 'REVOKED' } })) {
      expect(explicitlyDenied(aws, row.accessKeyId!)).toBe(true);
    }
  });
});
