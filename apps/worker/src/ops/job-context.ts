import { AsyncLocalStorage } from 'node:async_hooks';
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { Store, storage as loggerStorage } from 'nestjs-pino/storage';
import { requestIdOf } from '@labkeys/queues';

const jobs = new AsyncLocalStorage<{ requestId?: string }>();
let processLogger: Logger | undefined;

/** The worker's pino logger, which each job's logger is a child of (set once the logger module is up). */
export function setJobLogger(logger: Logger): void {
  processLogger = logger;
}

/**
 * Runs one job with its correlation: every log line written while it runs carries the job's name, id and
 * the request id that caused it (nestjs-pino's per-context logger), jobs it enqueues carry the same request
 * id on (see `currentJobRequestId`), and one line says how it ended. So a lab start is followed from the
 * api's request log to each issuance job and its STS call, on whichever worker ran it.
 */
export function runJobInContext<T>(job: Job, run: () => Promise<T>): Promise<T> {
  const requestId = requestIdOf(job.data);
  const base = loggerStorage.getStore()?.logger ?? processLogger;
  if (!base) return jobs.run({ requestId }, run);
  const logger = base.child({ job: job.name, jobId: job.id, ...(requestId && { requestId }) });
  const started = Date.now();
  return jobs.run({ requestId }, () =>
    loggerStorage.run(new Store(logger), async () => {
      try {
        const outcome = await run();
        logger.info(
          {
            attempt: job.attemptsMade + 1,
            ms: Date.now() - started,
            outcome: typeof outcome === 'string' ? outcome : 'done',
          },
          'job finished',
        );
        return outcome;
      } catch (error) {
        if (error instanceof DelayedError) logger.debug({ ms: Date.now() - started }, 'job delayed');
        else
          logger.info(
            { attempt: job.attemptsMade + 1, ms: Date.now() - started, err: (error as Error).message },
            'job attempt failed',
          );
        throw error;
      }
    }),
  );
}

/** The request id of the job running in this async context, for the jobs it enqueues. */
export function currentJobRequestId(): string | undefined {
  return jobs.getStore()?.requestId;
}
