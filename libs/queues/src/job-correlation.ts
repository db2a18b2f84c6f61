/**
 * Where the producer finds the request (or job) a new job belongs to: the api answers the request id of
 * the request being served, the worker the one carried by the job it is running. The id rides in the
 * job's data beside the payload's ids (`requestId`), so one lab start can be followed from the api's
 * log line to each worker's log of each job it caused. It is a correlation id only: handlers never read it.
 */
export type JobCorrelation = () => string | undefined;

/** Injection token of the process's JobCorrelation; optional (no id is added without one). */
export const JOB_CORRELATION = Symbol('labkeys:job-correlation');

/** The request id a job's data carries, when it carries a well-formed one. */
export function requestIdOf(data: unknown): string | undefined {
  const id = (data as { requestId?: unknown } | null)?.requestId;
  return typeof id === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(id) ? id : undefined;
}
