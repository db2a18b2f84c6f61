import type { JobName } from '@labkeys/queues';
import { handledJobOf, type JobHandlerClass } from './job-handler';

export class WorkerBootError extends Error {
  constructor(readonly problems: string[]) {
    super(`worker refuses to start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WorkerBootError';
  }
}

/**
 * Every job of the catalogue has exactly one handler, and every handler belongs
 * to a catalogue job. Checked before the worker connects to anything.
 */
export function assertHandlersCoverCatalogue(
  catalogue: Readonly<Record<string, unknown>>,
  handlers: readonly JobHandlerClass[],
): Map<JobName, JobHandlerClass> {
  const problems: string[] = [];
  const byJob = new Map<JobName, JobHandlerClass[]>();
  for (const handler of handlers) {
    const job = handledJobOf(handler);
    if (!job) {
      problems.push(`${handler.name} is listed as a job handler but has no @HandlesJob`);
      continue;
    }
    if (!(job in catalogue)) problems.push(`${handler.name} handles "${job}", which is not in the job catalogue`);
    byJob.set(job, [...(byJob.get(job) ?? []), handler]);
  }
  for (const job of Object.keys(catalogue) as JobName[]) {
    const found = byJob.get(job) ?? [];
    if (found.length === 0) problems.push(`job "${job}" has no handler`);
    if (found.length > 1)
      problems.push(`job "${job}" has ${found.length} handlers: ${found.map((h) => h.name).join(', ')}`);
  }
  if (problems.length > 0) throw new WorkerBootError(problems);
  return new Map([...byJob].map(([job, [handler]]) => [job, handler]));
}
