import { PrismaPg } from '@prisma/adapter-pg';
import type { AwsLocal } from '@labkeys/aws-local';
import { PrismaClient } from '@labkeys/database';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom, type Classroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { eventually } from '../support/processes';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { freePort, PrivateRedis } from '../support/redis-server';

const EXTERNAL_ID = 'school-external-id-outage';

interface Answer {
  route: string;
  status: number;
  type: string;
  retryAfter?: string;
  body: { status?: number; type?: string };
  ms: number;
}

/**
 * Postgres, then Redis, stopped for real under the api: a private server of each (never the run's shared
 * ones, which other spec files use meanwhile), and the api pointed at them.
 */
describe('instructor routes while Postgres or Redis restarts', () => {
  let pg: PostgresServer;
  let redis: PrivateRedis;
  let aws: AwsLocal;
  let prisma: PrismaClient;
  let api: TestApi;
  let room: Classroom;
  let seq = 0;

  // List routes and write routes of the instructor API, each a fresh request.
  const calls: {
    route: string;
    run: () => Promise<{ status: number; headers: Record<string, string>; body: Answer['body'] }>;
  }[] = [
    ...[
      '/v1/courses',
      '/v1/labs',
      '/v1/students',
      '/v1/audit',
      '/v1/templates',
      '/v1/connections',
      '/v1/instructors',
    ].map((path) => ({
      route: `GET ${path}`,
      run: () => api.http.get(path).set(bearer(room.ownerToken)),
    })),
    {
      route: 'GET /v1/labs/:id/sessions',
      run: () => api.http.get(`/v1/labs/${room.labId}/sessions`).set(bearer(room.ownerToken)),
    },
    {
      route: 'POST /v1/courses',
      run: () =>
        api.http
          .post('/v1/courses')
          .set(bearer(room.ownerToken))
          .send({ code: `OUT-${++seq}-${Date.now() % 100000}`, title: 'Outage course' }),
    },
    {
      route: 'PATCH /v1/courses/:id',
      run: () =>
        api.http
          .patch(`/v1/courses/${room.courseId}`)
          .set(bearer(room.ownerToken))
          .send({ title: `Renamed ${++seq}` }),
    },
    {
      route: 'POST /v1/courses/:id/students',
      run: () =>
        api.http
          .post(`/v1/courses/${room.courseId}/students`)
          .set(bearer(room.ownerToken))
          .send({ students: [{ email: `outage-${++seq}-${Date.now()}@example.edu` }] }),
    },
    {
      route: 'POST /v1/labs',
      run: () =>
        api.http
          .post('/v1/labs')
          .set(bearer(room.ownerToken))
          .send({
            name: `Scheduled ${++seq}`,
            courseId: room.courseId,
            templateId: room.templateId,
            startsAt: new Date(Date.now() + 3600_000).toISOString(),
          }),
    },
    {
      route: 'POST /v1/labs/:id/start',
      run: () => api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)),
    },
  ];

  const callAll = (): Promise<Answer[]> =>
    Promise.all(
      calls.map(async ({ route, run }) => {
        const started = Date.now();
        const res = await run();
        return {
          route,
          status: res.status,
          type: String(res.headers['content-type'] ?? ''),
          retryAfter: res.headers['retry-after'],
          body: res.body,
          ms: Date.now() - started,
        };
      }),
    );

  const allSucceed = async (): Promise<Answer[]> => {
    const answers = await callAll();
    const failed = answers.filter((a) => a.status < 200 || a.status >= 300);
    if (failed.length > 0) throw new Error(`not yet 2xx: ${failed.map((a) => `${a.route} ${a.status}`).join(', ')}`);
    return answers;
  };

  beforeAll(async () => {
    [pg, redis, aws] = await Promise.all([
      startPostgresServer(),
      freePort().then((port) => new PrivateRedis(port)),
      startSchoolAws([EXTERNAL_ID]),
    ]);
    await redis.start();
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: pg.url, max: 2 }) });
    room = await createClassroom(prisma, { students: 3, endpoint: aws.url, externalId: EXTERNAL_ID });
    api = await startTestApi({
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: specQueuePrefix('outage'),
      DATABASE_ACQUIRE_TIMEOUT_MS: '2000',
    });
    await allSucceed();
  });
  afterAll(async () => {
    await api?.close();
    await prisma?.$disconnect();
    await redis?.stop();
    await pg?.close();
    await aws?.close();
  });

  it('Postgres stopped → 503 problem+json with Retry-After on every route, never 500; 2xx again within seconds of its return', async () => {
    await prisma.$disconnect();
    // Calls in flight while the server shuts down: each one either made it or answers 503, none 500.
    const [during] = await Promise.all([callAll(), pg.stop()]);
    for (const a of during)
      expect({ route: a.route, ok: (a.status >= 200 && a.status < 300) || a.status === 503 }).toEqual({
        route: a.route,
        ok: true,
      });
    // Twice: right after the stop (pooled connections just cut) and once the pool has noticed.
    for (const round of [1, 2]) {
      const answers = await callAll();
      for (const a of answers) {
        expect({ route: a.route, round, status: a.status }).toEqual({ route: a.route, round, status: 503 });
        expect(a.type).toMatch(/^application\/problem\+json/);
        expect(a.body).toMatchObject({ status: 503, type: 'urn:labkeys:problem:service-unavailable' });
        expect(Number(a.retryAfter)).toBeGreaterThan(0);
        // Bounded by the pool's acquire timeout, not by how long the database stays away.
        expect(a.ms).toBeLessThan(10000);
      }
      process.stdout.write(
        `BENCH store-outage postgres-down round ${round}: slowest 503 ${Math.max(...answers.map((a) => a.ms))} ms\n`,
      );
    }

    // What Prisma 7 over adapter-pg threw, as the filter logged it (one line per distinct message).
    const seen = new Set(
      api.logs.lines
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'store unavailable')
        .map((l) => `${l.store}: ${l.error.name} ${l.error.code ?? ''} ${String(l.error.message).slice(0, 100)}`),
    );
    process.stdout.write(`BENCH store-outage errors mapped to 503:\n  ${[...seen].join('\n  ')}\n`);
    expect(seen.size).toBeGreaterThan(0);

    await pg.start();
    const back = Date.now();
    await eventually(allSucceed, 20000, 200);
    const recoveredMs = Date.now() - back;
    process.stdout.write(
      `BENCH store-outage postgres-back: every route 2xx ${recoveredMs} ms after the server started\n`,
    );
    expect(recoveredMs).toBeLessThan(15000);
  });

  it('Redis stopped → no route answers 500: list and write routes go on from Postgres (the queue work is left to the sweep), anything needing Redis answers 503 with Retry-After', async () => {
    await redis.stop();
    for (const round of [1, 2]) {
      const answers = await callAll();
      for (const a of answers) {
        expect({ route: a.route, round, ok: (a.status >= 200 && a.status < 300) || a.status === 503 }).toEqual({
          route: a.route,
          round,
          ok: true,
        });
        if (a.status === 503) {
          expect(a.type).toMatch(/^application\/problem\+json/);
          expect(Number(a.retryAfter)).toBeGreaterThan(0);
        }
        expect(a.ms).toBeLessThan(10000);
      }
      // The reads and the writes that Postgres alone commits keep working.
      expect(answers.filter((a) => a.route.startsWith('GET')).every((a) => a.status === 200)).toBe(true);
      expect(answers.find((a) => a.route === 'POST /v1/courses')!.status).toBe(201);
      expect(answers.find((a) => a.route === 'POST /v1/labs')!.status).toBe(201);
      process.stdout.write(
        `BENCH store-outage redis-down round ${round}: slowest ${Math.max(...answers.map((a) => a.ms))} ms; ${answers.map((a) => `${a.route} ${a.status}`).join(', ')}\n`,
      );
    }
    const health = await api.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.checks).toEqual({ database: 'up', redis: 'down' });

    await redis.start();
    const back = Date.now();
    await eventually(
      async () => {
        const res = await api.http.get('/health');
        if (res.status !== 200) throw new Error(`health ${res.status}`);
      },
      20000,
      200,
    );
    await allSucceed();
    process.stdout.write(
      `BENCH store-outage redis-back: /health 200 and every route 2xx ${Date.now() - back} ms after the server started\n`,
    );
  });
});
