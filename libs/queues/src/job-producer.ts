import type { JobsOptions, Queue } from 'bullmq';
import { JOB_CATALOGUE, type JobName, type JobOf, type QueueName } from './job-catalogue';
import type { JobCorrelation } from './job-correlation';

/** Adds catalogue jobs with their catalogue options and fixed ids; always awaited by callers. */
export class JobProducer {
  private readonly queues: Map<QueueName, Queue>;

  constructor(
    queues: readonly Queue[],
    private readonly correlation: JobCorrelation = () => undefined,
  ) {
    this.queues = new Map(queues.map((queue) => [queue.name as QueueName, queue]));
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  async add<N extends JobName>(name: N, payload: JobOf<N>, extra: JobsOptions = {}): Promise<void> {
    const def = JOB_CATALOGUE[name];
    await this.queue(def.queue).add(name, this.correlated(payload), { ...def.options, jobId: def.jobId?.(payload as never), ...extra });
  }

  /** One round trip per queue for many jobs (a class of 1,000 starts at once). */
  async addBulk<N extends JobName>(name: N, payloads: JobOf<N>[], extra: JobsOptions = {}): Promise<void> {
    if (payloads.length === 0) return;
    const def = JOB_CATALOGUE[name];
    await this.queue(def.queue).addBulk(
      payloads.map((payload) => ({ name, data: this.correlated(payload), opts: { ...def.options, jobId: def.jobId?.(payload as never), ...extra } })),
    );
  }

  /** The payload, plus the id of the request (or job) that caused it when there is one. */
  private correlated<P>(payload: P): P {
    const requestId = this.correlation();
    return requestId ? { ...payload, requestId } : payload;
  }
}
