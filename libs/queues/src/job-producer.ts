import type { JobsOptions, JobState, Queue } from 'bullmq';
import { JOB_CATALOGUE, jobIdOf, type JobDefinition, type JobName, type JobOf, type QueueName } from './job-catalogue';
import type { JobCorrelation } from './job-correlation';

/** What a caller may add to a catalogue job's options: when it runs, never which id it has. */
export type AddOptions = Pick<JobsOptions, 'delay'>;

/** States of a job that will still run; a job under its id in any other state would swallow a new add. */
const TO_RUN: ReadonlySet<JobState | 'unknown'> = new Set([
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
]);

/**
 * Adds catalogue jobs with their catalogue options and the ids the catalogue derives from their payloads;
 * always awaited by callers.
 */
export class JobProducer {
  private readonly queues: Map<QueueName, Queue>;

  constructor(
    queues: readonly Queue[],
    private readonly correlation: JobCorrelation = () => undefined,
  ) {
    this.queues = new Map(queues.map((queue) => [queue.name as QueueName, queue]));
  }

  /** The queue itself, for inspection (health, tests); producers add through the methods below. */
  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  async add<N extends JobName>(name: N, payload: JobOf<N>, extra: AddOptions = {}): Promise<void> {
    await this.queueOf(name).add(name, this.correlated(payload), this.optionsOf(name, payload, extra));
  }

  /** One round trip per queue for many jobs (a class of 1,000 starts at once). */
  async addBulk<N extends JobName>(name: N, payloads: JobOf<N>[], extra: AddOptions = {}): Promise<void> {
    if (payloads.length === 0) return;
    await this.queueOf(name).addBulk(
      payloads.map((payload) => ({ name, data: this.correlated(payload), opts: this.optionsOf(name, payload, extra) })),
    );
  }

  /**
   * Adds the job unless the one under its id is still to run: a finished or failed one would swallow the add,
   * so it is removed first. Answers whether it was added. For jobs with an id only.
   */
  async requeue<N extends JobName>(name: N, payload: JobOf<N>): Promise<boolean> {
    const id = jobIdOf(name, payload);
    if (id === undefined) throw new Error(`job "${name}" has no fixed id to requeue by`);
    const job = await this.queueOf(name).getJob(id);
    if (job && TO_RUN.has(await job.getState())) return false;
    if (job) await job.remove();
    await this.add(name, payload);
    return true;
  }

  /**
   * Registers (or updates) the catalogue schedule of a repeating job, every `everyMs`; one scheduler id, so any
   * number of processes doing this leave one schedule.
   */
  async schedule<N extends JobName>(name: N, payload: JobOf<N>, everyMs: number): Promise<void> {
    const def = this.definitionOf(name);
    if (!def.schedulerId) throw new Error(`job "${name}" has no schedule in the catalogue`);
    await this.queueOf(name).upsertJobScheduler(
      def.schedulerId,
      { every: everyMs },
      { name, data: payload, opts: def.options },
    );
  }

  /** Puts the schedule back when Redis lost it; answers true when it had to. */
  async ensureScheduled<N extends JobName>(name: N, payload: JobOf<N>, everyMs: number): Promise<boolean> {
    const def = this.definitionOf(name);
    if (def.schedulerId && (await this.queueOf(name).getJobScheduler(def.schedulerId))) return false;
    await this.schedule(name, payload, everyMs);
    return true;
  }

  private definitionOf<N extends JobName>(name: N): JobDefinition<N> {
    return JOB_CATALOGUE[name];
  }

  private queueOf(name: JobName): Queue {
    return this.queue(JOB_CATALOGUE[name].queue);
  }

  private optionsOf<N extends JobName>(name: N, payload: JobOf<N>, extra: AddOptions): JobsOptions {
    return { ...this.definitionOf(name).options, ...extra, jobId: jobIdOf(name, payload) };
  }

  /** The payload, plus the id of the request (or job) that caused it when there is one. */
  private correlated<P>(payload: P): P {
    const requestId = this.correlation();
    return requestId ? { ...payload, requestId } : payload;
  }
}
