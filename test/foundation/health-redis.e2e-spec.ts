import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { ApiRedis } from '../../apps/api/src/common/api-redis';
import { HEALTH_CACHE_MS, HealthCheck } from '../../apps/api/src/health/health-check.service';
import { testEnv } from '../support/env';
import { LogCapture } from '../support/log-capture';
import { eventually } from '../support/processes';
import { freePort, PrivateRedis } from '../support/redis-server';

describe('/health while Redis goes away and comes back', () => {
  let app: NestExpressApplication;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    app = await createApiApp(testEnv({ REDIS_URL: redis.url }), { logStream: new LogCapture() });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await redis.stop();
  });

  it('answers 503 within 5 s of Redis stopping and 200 again once it is back, without a restart', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);

    await redis.stop();
    const started = Date.now();
    // An answer is reused for up to a second, so the first call after the stop may still say 200.
    const down = await eventually(
      async () => {
        const res = await request(app.getHttpServer()).get('/health');
        if (res.status === 200) throw new Error('still the cached answer');
        return res;
      },
      5000,
      100,
    );
    const elapsed = Date.now() - started;
    expect(down.status).toBe(503);
    expect(down.body.checks).toEqual({ database: 'up', redis: 'down' });
    expect(elapsed).toBeLessThan(5000);

    // While Redis is away, a burst of checks shares one check per second and one 'ready' listener.
    const health = app.get(HealthCheck);
    const client = app.get(ApiRedis).client;
    const before = health.checksRun;
    const burstStarted = Date.now();
    const burst = await Promise.all(Array.from({ length: 50 }, () => request(app.getHttpServer()).get('/health')));
    const burstMs = Date.now() - burstStarted;
    expect(burst.every((res) => res.status === 503)).toBe(true);
    expect(health.checksRun - before).toBeLessThanOrEqual(Math.ceil(burstMs / HEALTH_CACHE_MS) + 1);
    expect(client.listenerCount('ready')).toBeLessThanOrEqual(1);

    await redis.start();
    const up = await eventually(
      async () => {
        const res = await request(app.getHttpServer()).get('/health');
        if (res.status !== 200) throw new Error(`health still ${res.status}`);
        return res;
      },
      15000,
      200,
    );
    expect(up.body.checks.redis).toBe('up');
    expect(client.listenerCount('ready')).toBe(0);
  });

  it('reuses one answer for a second: a burst of calls runs one check', async () => {
    const health = app.get(HealthCheck);
    const before = health.checksRun;
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(app.getHttpServer()).get('/health')));
    expect(answers.every((res) => res.status === 200)).toBe(true);
    // None when the last answer is still fresh, one when it has aged out; never one per call.
    expect(health.checksRun - before).toBeLessThanOrEqual(1);
  });
});
