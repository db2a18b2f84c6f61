import { ConfigError, loadEnv } from './config.loader';
import type { EnvSchema } from './env.schema';

/** Loads the environment or ends the process with a message naming each bad variable. */
export function loadEnvOrExit(processName: string): EnvSchema {
  try {
    return loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${processName}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
