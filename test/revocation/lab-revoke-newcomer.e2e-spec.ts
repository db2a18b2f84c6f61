import { bearer } from '../support/api';
import { createClassroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';
import { explicitlyDenied, listOwnPrefix, type Creds } from './support';

const EXTERNAL_ID = 'school-external-id-newcomer';
const MARGIN_S = 3;

/**
 * A lab-wide deny reaches a margin past the revocation (AWS's clock may run ahead). A student who joins the lab
 * afterwards must not land under it: their issuance waits until a token issued then cannot, and then works.
 */
describe('joining a lab after it was revoked', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline([EXTERNAL_ID], {
      REVOCATION_CLOCK_MARGIN_SECONDS: String(MARGIN_S),
      API_RATE_LIMIT_PER_MINUTE: '100000',
    });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('is issued once the lab-wide deny cannot catch it, and keeps working while the revoked class stays denied', async () => {
    const { api, aws, prisma } = pipeline;
    const room = await createClassroom(prisma, { students: 2, endpoint: aws.url, externalId: EXTERNAL_ID });
    const owner = bearer(room.ownerToken);
    await api.http.post(`/v1/labs/${room.labId}/start`).set(owner).expect(202);
    await eventually(async () => {
      if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } })) !== 2)
        throw new Error('not ACTIVE yet');
    }, 30000);
    const revoked = await Promise.all(
      room.students.map(
        async (s) => (await api.http.get('/v1/me/sessions/current').set(bearer(s.token)).expect(200)).body as Creds,
      ),
    );
    await api.http.post(`/v1/labs/${room.labId}/revoke`).set(owner).expect(202);
    await eventually(async () => {
      if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'REVOKED' } })) !== 2)
        throw new Error('not REVOKED yet');
    }, 20000);
    const entry = await prisma.revocationEntry.findFirstOrThrow({ where: { labId: room.labId, scope: 'LAB' } });

    const joined = await api.http
      .post(`/v1/courses/${room.courseId}/students`)
      .set(owner)
      .send({ students: [{ email: 'late@example.edu' }] })
      .expect(200);
    const token = joined.body.accessLinks[0].accessToken as string;
    await eventually(async () => {
      if ((await api.http.get('/v1/me/sessions/current').set(bearer(token))).status !== 200)
        throw new Error('not issued yet');
    }, 30000);
    const late = await prisma.labSession.findFirstOrThrow({ where: { labId: room.labId, state: 'ACTIVE' } });
    // Issued no earlier than the lab-wide deny's reach plus the margin, by the database's clock.
    expect(late.issuedAt!.getTime()).toBeGreaterThanOrEqual(entry.deniesBefore!.getTime() + MARGIN_S * 1000 - 1000);
    const creds = (await api.http.get('/v1/me/sessions/current').set(bearer(token)).expect(200)).body as Creds;
    const handle = (
      await prisma.student.findFirstOrThrow({ where: { email: 'late@example.edu', tenantId: room.tenantId } })
    ).handle;
    expect(await listOwnPrefix(aws, creds, handle)).toBe('ok');
    for (const c of revoked) expect(explicitlyDenied(aws, c.accessKeyId)).toBe(true);
  });
});
