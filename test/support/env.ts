import { join } from 'node:path';
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

/** A student's shell for the `labkeys` and `aws` CLIs: only PATH, and every config file under `home`. */
export function studentShellEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}
