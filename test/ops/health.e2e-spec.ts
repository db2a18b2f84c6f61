import { specQueuePrefix } from '../support/env';
import { killSpawned, spawnApi, spawnWorker, type RunningProcess } from '../support/ops-processes';
import { eventually } from '../support/processes';
import { freePort, PrivateRedis } from '../support/redis-server';

async function status(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls `url` until it answers `want`; answers how long that took. */
async function until(
  url: string,
  want: number,
  timeoutMs: number,
): Promise<{ ms: number; body: Record<string, unknown> }> {
  const started = Date.now();
  const answer = await eventually(
    async () => {
      const got = await status(url);
      if (got.status !== want) throw new Error(`${url} answered ${got.status}: ${JSON.stringify(got.body)}`);
      return got;
    },
    timeoutMs,
    100,
  );
  return { ms: Date.now() - started, body: answer.body };
}

describe('health of the worker and the api while Redis goes away and comes back', () => {
  let redis: PrivateRedis;
  let worker: RunningProcess;
  let api: RunningProcess;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    const env = { REDIS_URL: redis.url, QUEUE_PREFIX: specQueuePrefix('health'), SWEEP_INTERVAL_SECONDS: '2' };
    [worker, api] = await Promise.all([spawnWorker(env), spawnApi(env)]);
  });
  afterAll(async () => {
    await Promise.all([worker?.stop(), api?.stop()]);
    await killSpawned();
    await redis?.stop();
  });

  it('answers ready while its queue workers run and the sweep is scheduled; the api is ready with every migration applied', async () => {
    const ready = await until(`${worker.url}/health/ready`, 200, 10000);
    expect(ready.body).toEqual({
      status: 'ok',
      checks: {
        queues: { issuance: 'up', lifecycle: 'up', labs: 'up', maintenance: 'up', revocation: 'up', mail: 'up' },
        sweepSchedule: 'up',
      },
    });
    expect(await status(`${worker.url}/health`)).toEqual({ status: 200, body: { status: 'ok' } });
    const apiReady = await until(`${api.url}/health/ready`, 200, 10000);
    expect(apiReady.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' }, migrations: { status: 'up' } },
    });
    expect(await status(`${api.url}/health/live`)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('turns not ready within seconds of Redis stopping, stays live, and is ready again once Redis is back', async () => {
    await redis.stop();
    const down = await until(`${worker.url}/health/ready`, 503, 5000);
    expect(down.ms).toBeLessThan(5000);
    expect(down.body.status).toBe('unavailable');
    expect((down.body.checks as { queues: Record<string, string> }).queues.issuance).toBe('down');
    // Liveness says the process runs; a supervisor must not restart it for Redis' outage.
    expect((await status(`${worker.url}/health`)).status).toBe(200);
    const apiDown = await until(`${api.url}/health/ready`, 503, 5000);
    expect(apiDown.body).toMatchObject({
      status: 'error',
      error: { redis: { status: 'down' } },
      info: { database: { status: 'up' }, migrations: { status: 'up' } },
    });
    expect((await status(`${api.url}/health/live`)).status).toBe(200);

    await redis.start();
    // Redis came back empty: ready again needs the reconnected workers and the restored sweep schedule.
    const up = await until(`${worker.url}/health/ready`, 200, 20000);
    expect(up.body).toMatchObject({ status: 'ok', checks: { sweepSchedule: 'up' } });
    await until(`${api.url}/health/ready`, 200, 20000);
  });

  it('serves nothing else on the worker listener', async () => {
    expect((await fetch(`${worker.url}/`)).status).toBe(404);
    expect((await fetch(`${worker.url}/health`, { method: 'POST' })).status).toBe(405);
  });
});
