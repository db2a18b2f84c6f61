import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp, OPENAPI_JSON_PATH } from '../../apps/api/src/bootstrap';
import { testEnv } from '../support/env';
import { LogCapture } from '../support/log-capture';

describe('api foundation', () => {
  let app: NestExpressApplication;
  const logs = new LogCapture();

  beforeAll(async () => {
    app = await createApiApp(testEnv({ LOG_LEVEL: 'info' }), { logStream: logs });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers /health with both checks up', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('serves the OpenAPI document at a stable path', async () => {
    const res = await request(app.getHttpServer()).get(OPENAPI_JSON_PATH).expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.paths['/health']).toBeDefined();
  });

  it('answers an unknown route with problem+json 404', async () => {
    const res = await request(app.getHttpServer()).get('/v1/nothing-here').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', instance: '/v1/nothing-here' });
    expect(res.body.requestId).toEqual(res.headers['x-request-id']);
  });

  it('answers a malformed JSON body with problem+json 400, not a 5xx', async () => {
    const res = await request(app.getHttpServer())
      .post('/health')
      .set('content-type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(400);
  });

  it('keeps a caller-supplied request id', async () => {
    const res = await request(app.getHttpServer()).get('/health').set('x-request-id', 'trace-123');
    expect(res.headers['x-request-id']).toBe('trace-123');
  });

  it('leaves no trace of a bearer token or a token in the query string in the logs', async () => {
    const token = `lk_${'Q'.repeat(20)}secretpart${'Z'.repeat(13)}`;
    const opaque = 'opaque-bearer-value-8d1f0c';
    await request(app.getHttpServer()).get('/health').set('Authorization', `Bearer ${token}`).expect(200);
    await request(app.getHttpServer())
      .get(`/v1/unknown?token=${token}`)
      .set('Authorization', `Bearer ${opaque}`)
      .expect(404);
    const text = logs.text;
    expect(text).toContain('"url":"/health"');
    expect(text).toContain('/v1/unknown?token=[redacted]');
    expect(text).not.toContain('secretpart');
    expect(text).not.toContain(opaque);
  });
});
