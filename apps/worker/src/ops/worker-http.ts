import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { Logger } from 'nestjs-pino';
import type { EnvSchema } from '@labkeys/config';
import { withTimeout } from '@labkeys/database';
import { cachedReading, headerCarriesSecret, metricsRegistry, redisReading, setMetricSource } from '@labkeys/metrics';
import { ALL_QUEUES, QueueName, SWEEP_SCHEDULER_ID } from '@labkeys/queues';
import { CORE_REDIS } from '@labkeys/core';
import type { CatalogueProcessor } from '../processors/catalogue.processor';
import { QUEUE_PROCESSORS } from '../processors/queue.processors';

/** One readiness answer is reused this long, and each of its Redis reads is bounded by this much. */
const READY_CACHE_MS = 1000;
const READ_TIMEOUT_MS = 1000;

type State = 'up' | 'down';
export interface WorkerReadiness {
  status: 'ok' | 'unavailable';
  checks: { queues: Record<string, State>; sweepSchedule: State };
}

/**
 * The worker's only HTTP listener (WORKER_HTTP_HOST:WORKER_HTTP_PORT, loopback by default): GET /metrics
 * (Prometheus text; METRICS_TOKEN when set), /health (the process runs) and /health/ready (each queue's
 * BullMQ worker runs, is not paused or draining, and has its Redis connection ready; the sweep's schedule
 * exists in Redis). Nothing else is served.
 */
export async function startWorkerHttp(app: INestApplicationContext, env: EnvSchema): Promise<Server> {
  // QUEUE_PROCESSORS is built from ALL_QUEUES in order: the i-th processor serves the i-th queue.
  const processors = ALL_QUEUES.map((queue, i) => [queue, app.get<CatalogueProcessor>(QUEUE_PROCESSORS[i])] as const);
  const maintenance = app.get<Queue>(getQueueToken(QueueName.Maintenance));
  setMetricSource('redis', redisReading(app.get<Redis>(CORE_REDIS)));
  const readiness = cachedReading(READY_CACHE_MS, () => checkReadiness(processors, maintenance), 3 * READ_TIMEOUT_MS);

  const server = createServer((req, res) => {
    void answer(req, res, env, readiness).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.WORKER_HTTP_PORT, env.WORKER_HTTP_HOST, () => resolve());
  });
  server.unref();
  const { address, port } = server.address() as AddressInfo;
  app.get(Logger).log({ address, port }, `worker http listening on ${address}:${port}`);
  return server;
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  env: EnvSchema,
  readiness: () => Promise<WorkerReadiness | undefined>,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  res.setHeader('cache-control', 'no-store');
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return json(res, 405, { status: 405, title: 'Method Not Allowed' });
  if (path === '/health') return json(res, 200, { status: 'ok' });
  if (path === '/health/ready') {
    const report = (await readiness()) ?? { status: 'unavailable', checks: { queues: {}, sweepSchedule: 'down' } };
    return json(res, report.status === 'ok' ? 200 : 503, report);
  }
  if (path === '/metrics') {
    if (env.METRICS_TOKEN && !headerCarriesSecret(req.headers.authorization, env.METRICS_TOKEN))
      return json(res, 401, { status: 401, title: 'Unauthorized', detail: 'Metrics need the metrics token.' });
    const text = await metricsRegistry.metrics();
    res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text);
    return;
  }
  json(res, 404, { status: 404, title: 'Not Found' });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const type = status >= 400 && status !== 503 ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

async function checkReadiness(
  processors: readonly (readonly [string, CatalogueProcessor])[],
  maintenance: Queue,
): Promise<WorkerReadiness> {
  const queues: Record<string, State> = {};
  await Promise.all(
    processors.map(
      async ([queue, processor]) => (queues[queue] = (await workerRuns(processor.worker)) ? 'up' : 'down'),
    ),
  );
  const sweepSchedule: State = await withTimeout(
    maintenance.getJobScheduler(SWEEP_SCHEDULER_ID),
    READ_TIMEOUT_MS,
    'sweep schedule read timed out',
  ).then(
    (scheduler) => (scheduler ? 'up' : 'down'),
    () => 'down',
  );
  const ok = sweepSchedule === 'up' && Object.values(queues).every((s) => s === 'up');
  return { status: ok ? 'ok' : 'unavailable', checks: { queues, sweepSchedule } };
}

async function workerRuns(worker: Worker | undefined): Promise<boolean> {
  if (!worker || !worker.isRunning() || worker.isPaused()) return false;
  const client = await withTimeout(worker.client, READ_TIMEOUT_MS, 'worker connection timed out').catch(
    () => undefined,
  );
  return client?.status === 'ready';
}
