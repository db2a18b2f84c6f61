import { randomBytes } from 'node:crypto';
import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';

const EXTERNAL_ID = 'school-external-id-production';

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
      LABKEYS_MASTER_KEY: `prod1:${randomBytes(32).toString('base64')}`,
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
      if (rows.length !== 3 || rows.some((r) => r.state !== 'FAILED')) throw new Error(`not failed yet: ${rows.map((r) => r.state)}`);
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
    expect(Object.keys(pipe.aws.counters()).filter((action) => action.startsWith('sts:') || action.startsWith('iam:'))).toEqual([]);
  });
});
