import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JOB_CATALOGUE, type JobName, type QueueName } from '@labkeys/queues';
import { assertHandlersCoverCatalogue } from './handler-coverage';
import type { JobHandler, JobHandlerClass } from './job-handler';

/** Routes a job from its queue's processor to the one handler of its name. */
@Injectable()
export class JobDispatcher {
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
      // A job the catalogue does not know cannot be retried into success.
      throw new Error(`no handler for job "${job.name}" on queue "${queue}"`);
    }
    return handler.handle(job.data as never, job as never, token);
  }
}
