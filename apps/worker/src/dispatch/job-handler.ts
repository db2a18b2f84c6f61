import 'reflect-metadata';
import type { Job } from 'bullmq';
import type { JobName, JobOf } from '@labkeys/queues';

const JOB_HANDLER = Symbol('labkeys:job-handler');

/** A class that handles one job of the catalogue. */
export interface JobHandler<N extends JobName = JobName> {
  handle(payload: JobOf<N>, job: Job<JobOf<N>>, token?: string): Promise<unknown>;
}

export type JobHandlerClass = new (...args: never[]) => JobHandler;

/** Marks a provider as the handler of a catalogue job. */
export function HandlesJob(name: JobName): ClassDecorator {
  return (target) => Reflect.defineMetadata(JOB_HANDLER, name, target);
}

export function handledJobOf(target: JobHandlerClass): JobName | undefined {
  return Reflect.getMetadata(JOB_HANDLER, target) as JobName | undefined;
}
