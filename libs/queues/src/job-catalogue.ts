import type { JobsOptions } from 'bullmq';

/**
 * The one job catalogue: every queue, every job name, the payload of each job
 * and its retry policy. Producers and the worker both read it, and the worker
 * refuses to start unless each job here has exactly one handler.
 *
 * Payloads carry ids only; handlers read current state from Postgres, so no
 * secret ever sits in Redis.
 */
export enum QueueName {
  Maintenance = 'maintenance',
}

export enum JobName {
  /** Repair sweep: Postgres is the truth, Redis is execution. */
  Sweep = 'sweep',
}

export interface JobPayloads {
  [JobName.Sweep]: Record<string, never>;
}

export type JobOf<N extends JobName> = JobPayloads[N];

export interface JobDefinition {
  queue: QueueName;
  options: JobsOptions;
}

export const JOB_CATALOGUE: Readonly<Record<JobName, JobDefinition>> = {
  [JobName.Sweep]: {
    queue: QueueName.Maintenance,
    options: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 },
  },
};

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);

export function queueOf(job: JobName): QueueName {
  return JOB_CATALOGUE[job].queue;
}

export function jobsOfQueue(queue: QueueName): JobName[] {
  return (Object.keys(JOB_CATALOGUE) as JobName[]).filter((job) => JOB_CATALOGUE[job].queue === queue);
}

/** Scheduler id of the repeating sweep: one id, so N workers register one schedule. */
export const SWEEP_SCHEDULER_ID = 'repair-sweep';
