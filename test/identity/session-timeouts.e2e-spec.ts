import type { PrismaClient } from '@labkeys/database';
import { startTestApi, type TestApi } from '../support/api';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually, signedInOwner } from './support';

const IDLE_SECONDS = 2;
const ABSOLUTE_SECONDS = 5;

describe('dashboard session timeouts', () => {
  let api: TestApi;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({
      QUEUE_PREFIX: specQueuePrefix('sesst'),
      SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS),
      SESSION_ABSOLUTE_TIMEOUT_SECONDS: String(ABSOLUTE_SECONDS),
    });
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  it('ends a session left unused for the idle timeout', async () => {
    const owner = await signedInOwner(api, prisma);
    expect((await owner.browser.get('/v1/courses')).status).toBe(200);
    // Watched in the database, so that watching does not keep the session alive.
    await eventually(async () => {
      const [row] = await prisma.$queryRaw<{ idle: boolean }[]>`
        SELECT now() - last_seen_at > ${IDLE_SECONDS} * interval '1 second' AS idle FROM web_sessions WHERE instructor_id = ${owner.instructorId}::uuid AND revoked_at IS NULL`;
      return row.idle;
    });
    const res = await owner.browser.get('/v1/courses');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('ends a session at its absolute timeout however active it is', async () => {
    const owner = await signedInOwner(api, prisma);
    const started = Date.now();
    let status = 200;
    await eventually(async () => {
      status = (await owner.browser.get('/v1/auth/session')).status;
      return status !== 200;
    }, 15_000);
    expect(status).toBe(401);
    // Requests every 100 ms never let it idle: the end came from the absolute timeout.
    expect(Date.now() - started).toBeGreaterThan((ABSOLUTE_SECONDS - 1) * 1000);
    const row = await prisma.webSession.findFirstOrThrow({
      where: { instructorId: owner.instructorId, revokedAt: null },
    });
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
