import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { PrismaClient, standaloneDatabase } from '@labkeys/database';
import { PrismaPg } from '@prisma/adapter-pg';
import { createTenant } from '@labkeys/core';
import { specQueuePrefix } from '../support/env';
import { eventually, ROOT, waitForExit } from '../support/processes';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';
import { freePort } from '../support/redis-server';
import { createLabInTenant, openRawStream } from './support';

/**
 * Acceptance 3 of issue 10: Postgres goes away while an instructor opens a lab stream. The api runs as its own
 * process (from dist/), so an unhandled rejection would end it as it would in production. Postgres is a private
 * server of this spec, stopped and started for real; the run's shared one is not touched.
 */
describe('lab stream while Postgres is unavailable', () => {
  let pg: PostgresServer;
  let prisma: PrismaClient;
  let api: ChildProcess;
  let baseUrl: string;
  let stderr = '';

  beforeAll(async () => {
    pg = await startPostgresServer();
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: pg.url, max: 2 }) });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: pg.url,
        API_PORT: String(port),
        QUEUE_PREFIX: specQueuePrefix('pgo'),
        MIGRATE_ON_START: 'false',
        LOG_LEVEL: 'warn',
        DATABASE_ACQUIRE_TIMEOUT_MS: '2000',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    api.stderr!.on('data', (d) => (stderr += d));
    await eventually(async () => expect((await fetch(`${baseUrl}/health`)).status).toBe(200), 60000, 200);
  }, 120000);
  afterAll(async () => {
    if (api.exitCode === null) {
      const exited = waitForExit(api);
      api.kill('SIGTERM');
      await exited;
    }
    await prisma.$disconnect();
    await pg.close();
  });

  it('ends the stream with an error event, stays up, and serves new streams once Postgres is back', async () => {
    const tenant = await createTenant(standaloneDatabase(prisma), {
      name: `Outage ${Date.now()}`,
      ownerEmail: `owner${Date.now()}@example.edu`,
    });
    const { labId } = await createLabInTenant(prisma, tenant.tenantId);
    const url = `${baseUrl}/v1/labs/${labId}/events`;
    const healthy = await openRawStream(url, tenant.ownerToken);
    await eventually(async () => expect(healthy.text()).toContain('event: lab.readiness'));
    healthy.close();

    // Hold the sessions table so the stream's first readiness count is in flight when Postgres stops.
    const locker = new Client({ connectionString: pg.url });
    locker.on('error', () => undefined);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE lab_sessions IN ACCESS EXCLUSIVE MODE');
    const during = await openRawStream(url, tenant.ownerToken);
    expect(during.status).toBe(200);
    await eventually(async () => {
      const { rows } = await locker.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
      );
      expect(rows[0].n).toBeGreaterThan(0);
    });
    // A crash, not a fast shutdown: in a fast one the locker's backend may exit first, and the count it blocked
    // can then finish before its own backend quits, so the stream would get its counts and rightly stay open.
    await pg.stop('immediate');
    await locker.end().catch(() => undefined);

    await eventually(
      async () =>
        expect({ ended: during.ended, text: during.text(), stderr: stderr.slice(-3000) }).toMatchObject({
          ended: true,
        }),
      30000,
    );
    const error = /event: error\ndata: (.*)\n/.exec(during.text());
    expect(error).not.toBeNull();
    expect(JSON.parse(error![1])).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect(during.text()).not.toMatch(/postgres|ECONNREFUSED|terminat/i);

    // A stream opened while Postgres is down is refused or ends; the process stays up either way.
    const down = await openRawStream(url, tenant.ownerToken);
    await eventually(async () => expect(down.ended).toBe(true), 30000);
    expect(down.status === 200 ? down.text() : 'event: error').toContain('event: error');
    expect(api.exitCode).toBeNull();
    expect((await fetch(`${baseUrl}/health`)).status).toBeGreaterThanOrEqual(200);

    await pg.start();
    await eventually(
      async () => {
        const again = await openRawStream(url, tenant.ownerToken);
        try {
          expect(again.status).toBe(200);
          await eventually(async () => expect(again.text()).toContain('event: lab.readiness'), 3000);
        } finally {
          again.close();
        }
      },
      30000,
      500,
    );
    expect(api.exitCode).toBeNull();
    expect(stderr).not.toMatch(/unhandled/i);
  }, 120000);
});
