import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import type { AppConfig } from '@labkeys/config';
import type { CatalogueProcessor } from './catalogue.processor';

/** Time kept back from SHUTDOWN_TIMEOUT_MS for closing Redis and Postgres after the drain. */
const CLOSE_RESERVE_MS = 2000;

/**
 * Stops the queue workers before anything they use closes. Nest runs every onModuleDestroy before
 * beforeApplicationShutdown, and @nestjs/bullmq closes its workers only in onApplicationShutdown, in the same
 * phase as the Redis and Postgres clients; so without this a SIGTERM could disconnect Prisma under a job
 * that already has credentials from AWS. Here, before any of that: no new jobs are taken, running ones
 * finish (up to SHUTDOWN_TIMEOUT_MS less a reserve), then the workers close. A job still running past the
 * bound is left to BullMQ's stalled-job check and the issuance lease, as after a crash.
 */
export class WorkerDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerDrain.name);

  constructor(
    private readonly processors: readonly CatalogueProcessor[],
    private readonly config: AppConfig,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const workers: Worker[] = this.processors.map((p) => p.worker).filter((w): w is Worker => Boolean(w));
    const budget = Math.max(500, this.config.shutdownTimeoutMs - CLOSE_RESERVE_MS);
    const started = Date.now();
    this.logger.log({ signal, budgetMs: budget }, 'worker stopping: no new jobs, waiting for running ones');
    // pause() stops fetching at once and resolves when the worker's running jobs have finished.
    const finished = await within(Promise.all(workers.map((w) => w.pause())), budget);
    if (!finished)
      this.logger.warn(
        { budgetMs: budget },
        'jobs still running at the shutdown bound; they will be retried after their lock expires',
      );
    await Promise.all(workers.map((w) => w.close(!finished)));
    this.logger.log({ ms: Date.now() - started, drained: finished }, 'queue workers closed');
  }
}

function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([work.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
