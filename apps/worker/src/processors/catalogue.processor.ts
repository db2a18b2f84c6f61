import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { QueueName } from '@labkeys/queues';
import type { JobDispatcher } from '../dispatch/job-dispatcher';
import { runJobInContext } from '../ops/job-context';

/** A queue's BullMQ worker: hands every job to its one catalogue handler. */
export abstract class CatalogueProcessor extends WorkerHost implements OnApplicationBootstrap {
  protected constructor(
    private readonly dispatcher: JobDispatcher,
    private readonly queueName: QueueName,
    private readonly concurrency: number,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.concurrency;
  }

  // BullMQ reports connection and bookkeeping errors here (e.g. a job whose keys vanished in a Redis
  // flush); without a listener they would bypass the structured, redacted log.
  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    new Logger(this.constructor.name).error({ queue: this.queueName, err: error.message }, 'queue worker error');
  }

  process(job: Job, token?: string): Promise<unknown> {
    return runJobInContext(job, () => this.dispatcher.dispatch(this.queueName, job, token));
  }
}
