import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import type { EnvSchema } from '@labkeys/config';
import { headerCarriesSecret } from '@labkeys/metrics';
import { ALL_QUEUES } from '@labkeys/queues';
import { PROBLEM_CONTENT_TYPE, problemType } from '../common/problem';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues for the operator of the deployment: only with OPERATOR_TOKEN (as a bearer
 * token, or as the password of the browser's Basic sign-in prompt), which no tenant token can be. Off
 * when OPERATOR_TOKEN is unset. Read-only unless OPERATOR_QUEUE_ACTIONS=true: then every queue is marked
 * read-only in the board and any request but GET/HEAD is refused before it reaches the board. Job data
 * is shown as ids only (payloads hold nothing else, and the formatter drops anything that is not an id).
 *
 * Mounted on the Express app before Nest registers its routes, so no later catch-all (the web app's SPA
 * fallback) can answer under this path.
 */
export function mountQueueBoard(app: NestExpressApplication, env: EnvSchema): void {
  const token = env.OPERATOR_TOKEN;
  if (!token) return;
  const actions = env.OPERATOR_QUEUE_ACTIONS;
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  const queues = ALL_QUEUES.map((name) => {
    const adapter = new BullMQAdapter(app.get<Queue>(getQueueToken(name)), {
      readOnlyMode: !actions,
      allowRetries: actions,
    });
    adapter.setFormatter('data', idsOnly);
    adapter.setFormatter('returnValue', figuresOnly);
    return adapter;
  });
  createBullBoard({ queues, serverAdapter, options: { uiConfig: { boardTitle: 'LabKeys queues' } } });
  app.use(
    QUEUE_BOARD_PATH,
    operatorGate(token, actions),
    serverAdapter.getRouter() as (req: Request, res: Response, next: NextFunction) => void,
  );
}

const logger = new Logger('QueueBoard');

function operatorGate(token: string, actions: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('cache-control', 'no-store');
    if (!headerCarriesSecret(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Basic realm="LabKeys operator", charset="UTF-8"');
      return problem(res, 401, 'unauthorized', 'Unauthorized', 'The queue board needs the operator token.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (!actions)
        return problem(
          res,
          405,
          'queue-actions-off',
          'Method Not Allowed',
          'Queue actions are off (OPERATOR_QUEUE_ACTIONS); the board is read-only.',
        );
      logger.warn({ method: req.method, path: req.path }, 'operator queue action');
    }
    next();
  };
}

function problem(res: Response, status: number, slug: string, title: string, detail: string): void {
  res
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ type: problemType(slug), title, status, detail }));
}

const ID_KEY = /(^|[a-z])Id$|^roleArn$/;

/** A job's data as the board shows it: its id fields only. */
export function idsOnly(data: unknown): Record<string, string> {
  const shown: Record<string, string> = {};
  if (data === null || typeof data !== 'object') return shown;
  for (const [key, value] of Object.entries(data)) {
    if (ID_KEY.test(key) && typeof value === 'string' && value.length <= 256) shown[key] = value;
  }
  return shown;
}

/** A job's return value as the board shows it: an outcome word or counts. */
export function figuresOnly(value: unknown): unknown {
  if (typeof value === 'string') return /^[a-z-]{1,32}$/.test(value) ? value : undefined;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value;
  if (typeof value !== 'object') return undefined;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'number'));
}
