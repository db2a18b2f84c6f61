import { loadEnv, type EnvSchema } from '@labkeys/config';

/** The validated environment of this test run (set by the global setup), with overrides. */
export function testEnv(overrides: Record<string, string> = {}): EnvSchema {
  return loadEnv({ ...process.env, ...overrides });
}

/**
 * A queue prefix of a spec's own (its api and worker share it, no other spec sees its jobs), under the
 * run's prefix so the global teardown removes its keys with the run's.
 */
export function specQueuePrefix(label: string): string {
  return `${process.env.QUEUE_PREFIX}${label}${Math.random().toString(36).slice(2, 7)}`.slice(0, 40);
}
