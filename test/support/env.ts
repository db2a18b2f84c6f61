import { loadEnv, type EnvSchema } from '@labkeys/config';

/** The validated environment of this test run (set by the global setup), with overrides. */
export function testEnv(overrides: Record<string, string> = {}): EnvSchema {
  return loadEnv({ ...process.env, ...overrides });
}
