import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { DomainError } from '@labkeys/core';
import { JOB_CATALOGUE, type JobName, type QueueName } from '@labkeys/queues';
import { assertHandlersCoverCatalogue } from './handler-coverage';
import type { JobHandler, JobHandlerClass } from './job-handler';

/**
 * Routes a job from its queue's processor to the one handler of its name. A domain error (the lab was cancelled,
 * the row is gone) is the same answer on every attempt: the job fails at once instead of being retried as a
 * transient failure.
 */
@Injectable()
export class JobDispatcher {
  private readonly logger = new Logger(JobDispatcher.name);
  private readonly handlers = new Map<JobName, JobHandler>();

  /** `instances` are the constructed providers of `handlerClasses`, in the same order. */
  constructor(handlerClasses: readonly JobHandlerClass[], instances: readonly JobHandler[]) {
    for (const [job, cls] of assertHandlersCoverCatalogue(JOB_CATALOGUE, handlerClasses)) {
      this.handlers.set(job, instances[handlerClasses.indexOf(cls)]);
    }
  }

  async dispatch(queue: QueueName, job: Job, token?: string): Promise<unknown> {
    const name = job.name as JobName;
    const definition = JOB_CATALOGUE[name];
    const handler = this.handlers.get(name);
    if (!definition || definition.queue !== queue || !handler) {
      // Not this worker's job: during a rolling upgrade a newer api may queue a job only newer workers know.
      // A plain error keeps the job's retries and backoff, so one of those workers can still take it.
      throw new Error(`no handler for job "${job.name}" on queue "${queue}"`);
    }
    try {
      return await handler.handle(job.data as never, job as never, token);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.logger.warn(
        { queue, job: job.name, jobId: job.id, code: error.code, err: error.message },
        'job refused; not retried',
      );
      throw new UnrecoverableError(`${error.code}: ${error.message}`);
    }
  }
}
