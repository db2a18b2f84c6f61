import Redis from 'ioredis';
import { generateToken as randomToken } from '@labkeys/secrets';
import { specQueuePrefix } from '../support/env';
import type { PrismaClient } from '@labkeys/database';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';
import { runNode } from '../support/processes';
import { scanKeys } from '../support/redis-server';

describe('tenancy and API tokens', () => {
  let api: TestApi;
  let prisma: PrismaClient;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ AUTH_FAILURE_LIMIT: '1000' });
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  it('admin CLI creates a tenant and prints one JSON line with a working owner token', async () => {
    const usage = await runNode('dist/apps/admin/src/main.js', {});
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('usage: npm run admin -- tenant create');
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(
      process.execPath,
      ['dist/apps/admin/src/main.js', 'tenant', 'create', '--name', 'Cloud Academy', '--owner', 'Owner@Example.edu'],
      {
        cwd: `${__dirname}/../..`,
        env: process.env,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const created = JSON.parse(lines[0]);
    expect(Object.keys(created).sort()).toEqual(['ownerInvitationUrl', 'ownerToken', 'tenantId']);
    expect(created.ownerInvitationUrl).toMatch(/^https?:\/\/[^/]+\/invite#[A-Za-z0-9_-]{43}$/);
    expect(created.ownerToken).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
    const res = await api.http.get('/v1/instructors').set(bearer(created.ownerToken)).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ email: 'owner@example.edu', role: 'OWNER' })]);
  });

  it('never stores a raw token: only its SHA-256 reaches the database', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const issued = await api.http
      .post(`/v1/instructors/${tenant.ownerId}/tokens`)
      .set(bearer(tenant.ownerToken))
      .send({ name: 'ci' })
      .expect(201);
    const raws = [tenant.ownerToken, issued.body.token];
    const dump = JSON.stringify(await prisma.$queryRawUnsafe(`SELECT row_to_json(t)::text AS j FROM api_tokens t`));
    const audit = JSON.stringify(await prisma.auditEvent.findMany({ where: { tenantId: tenant.tenantId } }));
    for (const raw of raws) {
      expect(dump).not.toContain(raw);
      expect(dump).not.toContain(raw.slice(3));
      expect(audit).not.toContain(raw);
    }
    const { createHash } = await import('node:crypto');
    expect(dump).toContain(createHash('sha256').update(issued.body.token).digest('hex'));
  });

  it('answers 401 for revoked and expired tokens, and records last use', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const short = await api.http
      .post(`/v1/instructors/${tenant.ownerId}/tokens`)
      .set(bearer(tenant.ownerToken))
      .send({ name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString() })
      .expect(201);
    await api.http.get('/v1/instructors').set(bearer(short.body.token)).expect(200);
    const used = await prisma.apiToken.findUniqueOrThrow({ where: { id: short.body.id } });
    expect(used.lastUsedAt).toBeInstanceOf(Date);

    await prisma.apiToken.update({ where: { id: short.body.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await api.http.get('/v1/instructors').set(bearer(short.body.token)).expect(401);
    expect(expired.headers['content-type']).toMatch(/problem\+json/);
    expect(expired.headers['www-authenticate']).toContain('invalid_token');

    const other = await api.http
      .post(`/v1/instructors/${tenant.ownerId}/tokens`)
      .set(bearer(tenant.ownerToken))
      .send({ name: 'other' })
      .expect(201);
    await api.http.get('/v1/instructors').set(bearer(other.body.token)).expect(200);
    await api.http.delete(`/v1/tokens/${other.body.id}`).set(bearer(tenant.ownerToken)).expect(204);
    await api.http.get('/v1/instructors').set(bearer(other.body.token)).expect(401);
    await api.http.get('/v1/instructors').expect(401);
  });

  it('lets owners manage instructors, keeps assistants read-only, and keeps one owner', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const owner = bearer(tenant.ownerToken);
    const bad = await api.http
      .post('/v1/instructors')
      .set(owner)
      .send({ email: 'not-an-email', role: 'CHIEF' })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'role']);
    const extra = await api.http
      .post('/v1/instructors')
      .set(owner)
      .send({ email: 'x@example.edu', isAdmin: true })
      .expect(400);
    expect(extra.body.errors).toEqual([expect.objectContaining({ field: 'isAdmin' })]);

    const assistant = await api.http
      .post('/v1/instructors')
      .set(owner)
      .send({ email: 'ta@example.edu', role: 'ASSISTANT' })
      .expect(201);
    await api.http.post('/v1/instructors').set(owner).send({ email: 'TA@example.edu' }).expect(409);
    const taToken = await api.http
      .post(`/v1/instructors/${assistant.body.id}/tokens`)
      .set(owner)
      .send({ name: 'ta' })
      .expect(201);
    await api.http.get('/v1/instructors').set(bearer(taToken.body.token)).expect(200);
    await api.http.post('/v1/instructors').set(bearer(taToken.body.token)).send({ email: 'y@example.edu' }).expect(403);

    await api.http.patch(`/v1/instructors/${tenant.ownerId}`).set(owner).send({ role: 'INSTRUCTOR' }).expect(409);
    const events = await api.http.get('/v1/audit?subjectType=instructor').set(owner).expect(200);
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(['instructor.created']);
    expect(events.body.items[0]).toMatchObject({
      actorType: 'instructor',
      actorId: tenant.ownerId,
      subjectId: assistant.body.id,
    });
    expect(events.body.items[0].requestId).toEqual(expect.any(String));
  });

  it('paginates with an opaque cursor and rejects a forged one naming the field', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const owner = bearer(tenant.ownerToken);
    for (const n of [1, 2, 3, 4])
      await api.http
        .post('/v1/instructors')
        .set(owner)
        .send({ email: `p${n}@example.edu` })
        .expect(201);
    const first = await api.http.get('/v1/instructors?limit=2&sort=email').set(owner).expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await api.http
      .get(`/v1/instructors?limit=2&sort=email&cursor=${first.body.nextCursor}`)
      .set(owner)
      .expect(200);
    const third = await api.http
      .get(`/v1/instructors?limit=2&sort=email&cursor=${second.body.nextCursor}`)
      .set(owner)
      .expect(200);
    const emails = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (i: { email: string }) => i.email,
    );
    expect(emails).toEqual([...emails].sort());
    expect(new Set(emails).size).toBe(5);
    expect(third.body.nextCursor).toBeNull();
    const forged = await api.http.get('/v1/instructors?cursor=abc').set(owner).expect(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    const big = await api.http.get('/v1/instructors?limit=5000').set(owner).expect(400);
    expect(big.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
  });
});

describe('rate limits', () => {
  let prisma: PrismaClient;
  let api: TestApi;
  let redis: Redis;

  const keysOf = (pattern: string) => scanKeys(redis, pattern);

  beforeAll(() => {
    prisma = testPrisma();
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterEach(async () => {
    await api.close();
  });
  afterAll(async () => {
    redis.disconnect();
    await prisma.$disconnect();
  });

  // The rule replaces the old "even a good token is refused": the token is checked first and only the failing source is refused.
  it('refuses repeated bad tokens from an address with 429, yet lets a valid token from that address through', async () => {
    api = await startTestApi({ AUTH_FAILURE_LIMIT: '5', QUEUE_PREFIX: specQueuePrefix('rl') });
    const tenant = await createTenantWithOwner(prisma);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await api.http.get('/v1/instructors').set(bearer(`lk_${'x'.repeat(43)}`))).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const blocked = await api.http
      .get('/v1/instructors')
      .set(bearer(`lk_${'y'.repeat(43)}`))
      .expect(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(blocked.headers['content-type']).toMatch(/problem\+json/);
    await api.http.get('/v1/instructors').set(bearer(tenant.ownerToken)).expect(200);
  });

  it('100 failed authentications from one address do not stop a valid token from that address', async () => {
    api = await startTestApi({ AUTH_FAILURE_LIMIT: '5', QUEUE_PREFIX: specQueuePrefix('rl') });
    const tenant = await createTenantWithOwner(prisma);
    const failing = [
      () => ({}),
      () => ({ Authorization: 'Basic Zm9vOmJhcg==' }),
      () => bearer(randomToken('lk')),
      () => bearer(`nonsense-${Math.random()}`),
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 100; i++) {
      const status = (await api.http.get('/v1/courses').set(failing[i % failing.length]())).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      // Interleaved, not only after: a valid token is never refused however many failures came before it.
      if (i % 25 === 24) await api.http.get('/v1/courses').set(bearer(tenant.ownerToken)).expect(200);
    }
    expect(statuses.get(401)).toBe(5);
    expect(statuses.get(429)).toBe(95);
    await api.http.get('/v1/courses').set(bearer(tenant.ownerToken)).expect(200);
  });

  it('counts failures per token prefix too, so one bad token retried from many addresses is refused', async () => {
    api = await startTestApi({ AUTH_FAILURE_LIMIT: '5', TRUST_PROXY: '1', QUEUE_PREFIX: specQueuePrefix('rl') });
    const tenant = await createTenantWithOwner(prisma);
    const stale = randomToken('lk');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await api.http.get('/v1/courses').set({ ...bearer(stale), 'X-Forwarded-For': `198.51.100.${i + 1}` })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Another token from a fresh address is its own source; the valid token from a used address passes.
    await api.http
      .get('/v1/courses')
      .set({ ...bearer(randomToken('lk')), 'X-Forwarded-For': '198.51.100.50' })
      .expect(401);
    await api.http
      .get('/v1/courses')
      .set({ ...bearer(tenant.ownerToken), 'X-Forwarded-For': '198.51.100.7' })
      .expect(200);
  });

  it('keys the api-wide limit on the parsed token: whitespace and case variants share one bucket', async () => {
    const prefix = specQueuePrefix('rl');
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '30', QUEUE_PREFIX: prefix });
    const tenant = await createTenantWithOwner(prisma);
    const variants = [
      `Bearer ${tenant.ownerToken}`,
      `Bearer  ${tenant.ownerToken}`,
      `bearer ${tenant.ownerToken}`,
      `BEARER \t${tenant.ownerToken}  `,
      ` Bearer ${tenant.ownerToken}`,
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++)
      statuses.push((await api.http.get('/v1/audit').set('Authorization', variants[i % variants.length])).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual([429, 429]);
    const keys = await keysOf(`${prefix}:rl:api:*`);
    expect(keys).toHaveLength(1);
  });

  it('counts random Authorization headers against the address: they mint no new rate-limit keys', async () => {
    const prefix = specQueuePrefix('rl');
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '1000', AUTH_FAILURE_LIMIT: '1000', QUEUE_PREFIX: prefix });
    for (let i = 0; i < 40; i++)
      await api.http.get('/v1/audit').set('Authorization', `Bearer junk-${i}-${Math.random()}`).expect(401);
    const keys = await keysOf(`${prefix}:rl:*`);
    // One api-wide bucket and one failure counter, both for the address, each expiring.
    expect(keys.sort()).toEqual([
      expect.stringMatching(new RegExp(`^${prefix}:rl:api:ip:[\\d.:a-f]+$`)),
      expect.stringMatching(new RegExp(`^${prefix}:rl:auth-fail:ip:[\\d.:a-f]+$`)),
    ]);
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('answers 429 past the api-wide limit per token', async () => {
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '30', QUEUE_PREFIX: specQueuePrefix('rl') });
    const tenant = await createTenantWithOwner(prisma);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await api.http.get('/v1/audit').set(bearer(tenant.ownerToken))).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });
});
