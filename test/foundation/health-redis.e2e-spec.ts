import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/bootstrap';
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
    const down = await request(app.getHttpServer()).get('/health');
    const elapsed = Date.now() - started;
    expect(down.status).toBe(503);
    expect(down.body.checks).toEqual({ database: 'up', redis: 'down' });
    expect(elapsed).toBeLessThan(5000);

    await redis.start();
    const up = await eventually(async () => {
      const res = await request(app.getHttpServer()).get('/health');
      if (res.status !== 200) throw new Error(`health still ${res.status}`);
      return res;
    }, 15000, 200);
    expect(up.body.checks.redis).toBe('up');
  });
});
