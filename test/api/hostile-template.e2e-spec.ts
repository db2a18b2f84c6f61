import type { PrismaClient } from '@labkeys/database';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';

/** Generous: the validator answers in milliseconds; the bound only has to tell that from a frozen process. */
const BOUND_MS = 2000;

describe('a template built to make the validator backtrack', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let owner: { tenantId: string; ownerToken: string };
  let connectionId: string;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '100000' });
    owner = await createTenantWithOwner(prisma);
    const connection = await prisma.awsConnection.create({
      data: {
        tenantId: owner.tenantId,
        name: 'main',
        accountId: '123456789012',
        region: 'eu-west-1',
        externalId: 'lk-hostile-external-id',
      },
    });
    connectionId = connection.id;
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  const template = (action: string) => ({
    name: `hostile ${action.length}`,
    connectionId,
    roleArn: 'arn:aws:iam::123456789012:role/LabKeysLab',
    durationSeconds: 3600,
    sessionPolicyTemplate: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
    }),
  });

  it('answers s3:(*?)×N0 with 400 naming the action for N up to 1,000, while /health keeps answering', async () => {
    let sending = true;
    const health: { status: number; ms: number }[] = [];
    const probe = (async () => {
      while (sending) {
        const started = performance.now();
        const res = await api.http.get('/health');
        health.push({ status: res.status, ms: performance.now() - started });
      }
    })();
    const answers = await Promise.all(
      [1, 10, 14, 100, 1000].map(async (n) => {
        const started = performance.now();
        const res = await api.http
          .post('/v1/templates')
          .set(bearer(owner.ownerToken))
          .send(template(`s3:${'*?'.repeat(n)}0`));
        return {
          n,
          status: res.status,
          ms: performance.now() - started,
          type: res.headers['content-type'],
          fields: (res.body.errors ?? []).map((e: { field: string }) => e.field),
        };
      }),
    );
    sending = false;
    await probe;

    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 400, type: expect.stringContaining('application/problem+json') });
      expect(answer.fields).toContain('sessionPolicyTemplate.Statement[0].Action');
      expect(answer.ms).toBeLessThan(BOUND_MS);
    }
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((h) => h.status === 200 && h.ms < BOUND_MS)).toBe(true);
    expect(await prisma.roleTemplate.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });
});
