import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { EnvSchema } from '@labkeys/config';
import { headerCarriesSecret, httpMetrics, metricsRegistry } from '@labkeys/metrics';
import { PROBLEM_CONTENT_TYPE, problemType } from '../common/problem';
import { mountQueueBoard, QUEUE_BOARD_PATH } from './queue-board';

export const METRICS_PATH = '/metrics';

/**
 * The api's operations routes, on the Express app before Nest's own (so neither a guard, the rate limit
 * nor a catch-all route can answer them): HTTP metrics of every request, /metrics, and the queue board.
 */
export function mountOperationsRoutes(app: NestExpressApplication, env: EnvSchema): void {
  app.use(recordHttpMetrics);
  app.use(METRICS_PATH, metricsEndpoint(env.METRICS_TOKEN));
  mountQueueBoard(app, env);
}

/** Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`. */
export function metricsEndpoint(token: string | undefined) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.method !== 'GET' || (req.path !== '/' && req.path !== '')) return next();
    res.setHeader('cache-control', 'no-store');
    if (token && !headerCarriesSecret(req.headers.authorization, token)) {
      res
        .status(401)
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          JSON.stringify({
            type: problemType('unauthorized'),
            title: 'Unauthorized',
            status: 401,
            detail: 'Metrics need the metrics token.',
          }),
        );
      return;
    }
    try {
      const text = await metricsRegistry.metrics();
      res.status(200).setHeader('content-type', metricsRegistry.contentType);
      res.end(text);
    } catch (error) {
      next(error);
    }
  };
}

/** Counts and times every answer by its route template (never its path: ids would become labels). */
function recordHttpMetrics(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  let recorded = false;
  const record = () => {
    if (recorded) return;
    recorded = true;
    httpMetrics.observe(
      methodLabel(req.method),
      routeTemplate(req),
      res.statusCode,
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  };
  res.once('finish', record);
  res.once('close', record);
  next();
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (req.originalUrl.startsWith(QUEUE_BOARD_PATH)) return QUEUE_BOARD_PATH;
  if (typeof path === 'string') return `${req.baseUrl ?? ''}${path}` || '/';
  if (req.originalUrl === METRICS_PATH || req.originalUrl.startsWith(`${METRICS_PATH}?`)) return METRICS_PATH;
  return 'unmatched';
}

export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}
