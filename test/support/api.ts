import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createTenant, type CreatedTenant } from '@labkeys/core';
import { standaloneDatabase, type PrismaClient } from '@labkeys/database';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { testEnv } from './env';
import { LogCapture } from './log-capture';

export interface TestApi {
  app: NestExpressApplication;
  http: TestAgent;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * The real api (in-process, real HTTP on an ephemeral port) on the run's Postgres and Redis. `port` fixes the
 * port when the api's own URL must be known before it listens (PUBLIC_URL, e.g. for its OIDC issuer).
 */
export async function startTestApi(overrides: Record<string, string> = {}, port = 0): Promise<TestApi> {
  const logs = new LogCapture();
  const app = await createApiApp(testEnv({ LOG_LEVEL: 'info', ...overrides }), { logStream: logs });
  await app.listen(port, '127.0.0.1');
  const http = request(app.getHttpServer());
  return { app, http, logs, close: () => app.close() };
}

let counter = 0;

/** A new tenant with its owner, as `npm run admin -- tenant create` makes it. */
export function createTenantWithOwner(
  prisma: PrismaClient,
  name = `School ${++counter}-${Date.now()}`,
): Promise<CreatedTenant> {
  return createTenant(standaloneDatabase(prisma), { name, ownerEmail: `owner${counter}-${Date.now()}@example.edu` });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
