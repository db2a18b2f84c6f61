import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { testEnv } from '../support/env';
import { LogCapture } from '../support/log-capture';

const INDEX = '<!doctype html><title>LabKeys</title><div id="root"></div>';

describe('the dashboard is served by the api, same origin', () => {
  let dir: string;
  let app: NestExpressApplication;
  let http: TestAgent;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'labkeys-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
    app = await createApiApp(testEnv(), { logStream: new LogCapture(), webDistDir: dir });
    await app.listen(0, '127.0.0.1');
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    '/',
    '/labs',
    '/labs/7b0e2c1e-0000-4000-8000-000000000000',
    '/courses/x/y',
    '/invite',
    '/sign-in?next=%2Flabs',
    '/student',
  ])('GET %s answers the app (SPA fallback)', async (path) => {
    const res = await http.get(path).expect(200);
    expect(res.text).toBe(INDEX);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('serves hashed assets with a long cache life', async () => {
    const res = await http.get('/assets/index-abc123.js').expect(200);
    expect(res.text).toBe('console.log("app")');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('never shadows the api, its documents or missing files', async () => {
    const unknownApi = await http.get('/v1/no-such-route').expect(404);
    expect(unknownApi.headers['content-type']).toMatch(/^application\/problem\+json/);
    await http.get('/v1/courses').expect(401);
    await http.get('/health').expect((res) => expect([200, 503]).toContain(res.status));
    const openapi = await http.get('/docs/openapi.json').expect(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    await http.get('/v1/me/session').expect(401);
    await http.get('/oidc/jwks').expect((res) => expect(res.text).not.toBe(INDEX));
    await http.get('/metrics').expect((res) => expect(res.text).not.toBe(INDEX));
    await http.get('/assets/missing.js').expect(404);
    await http.get('/favicon.ico').expect(404);
  });

  it('answers only reads with the app: a POST to a page path is the api’s 404', async () => {
    const res = await http.post('/labs').send({}).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
