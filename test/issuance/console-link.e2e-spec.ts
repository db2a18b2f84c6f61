import { bearer } from '../support/api';
import { createClassroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';

const EXTERNAL_ID = 'school-external-id-console-link';

/**
 * Issue 13: the `consoleUrl` handed out with credentials opens in a browser (no bearer header) to the AWS
 * console, once, within minutes; a second use, a removed student or an ended session get a clear 410.
 */
describe('single-use console links', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline([EXTERNAL_ID], { API_RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('opens the console once and refuses a second use', async () => {
    const { api, aws, prisma, baseUrl } = pipeline;
    const room = await createClassroom(prisma, { students: 2, endpoint: aws.url, externalId: EXTERNAL_ID });
    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(async () => {
      if ((await prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } })) !== 2)
        throw new Error('not ACTIVE yet');
    }, 30000);
    const [a, b] = room.students;
    const creds = (await api.http.get('/v1/me/sessions/current').set(bearer(a.token)).expect(200)).body as {
      consoleUrl: string;
      assumedRoleArn: string;
    };
    // PUBLIC_URL names the configured port; this api listens on an ephemeral one.
    const local = (url: string) => `${baseUrl}${new URL(url).pathname}`;
    expect(new URL(creds.consoleUrl).pathname).toMatch(/^\/v1\/console\/[A-Za-z0-9_-]{32}$/);

    // As a browser opens it: no Authorization header, redirects followed to aws-local's console page.
    const page = await fetch(local(creds.consoleUrl));
    expect(page.status).toBe(200);
    expect(page.url.startsWith(aws.url)).toBe(true);
    expect(await page.text()).toContain(creds.assumedRoleArn);
    const again = await fetch(local(creds.consoleUrl), { redirect: 'manual' });
    expect(again.status).toBe(410);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(((await again.json()) as { detail: string }).detail).toMatch(/used already or has expired/);

    // A link minted before the student was removed no longer opens anything.
    const other = (await api.http.get('/v1/me/sessions/current').set(bearer(b.token)).expect(200)).body as {
      consoleUrl: string;
    };
    const enrollment = await prisma.enrollment.findFirstOrThrow({
      where: { courseId: room.courseId, studentId: b.id },
    });
    await api.http
      .delete(`/v1/courses/${room.courseId}/enrollments/${enrollment.id}`)
      .set(bearer(room.ownerToken))
      .expect(204);
    expect((await fetch(local(other.consoleUrl), { redirect: 'manual' })).status).toBe(410);

    for (const code of ['x', 'A'.repeat(32), '../../health']) {
      const res = await fetch(`${baseUrl}/v1/console/${encodeURIComponent(code)}`, { redirect: 'manual' });
      expect(res.status).toBe(410);
    }
  });
});
