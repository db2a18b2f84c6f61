import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvSchema } from './env.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SECRET_VARS = new Set(['DATABASE_URL', 'REDIS_URL', 'LABKEYS_MASTER_KEY', 'METRICS_TOKEN', 'OPERATOR_TOKEN']);

function describe(error: ValidationError, raw: Record<string, unknown>): string {
  const messages = Object.values(error.constraints ?? {}).join('; ');
  const value = raw[error.property];
  // Never echo values that may hold credentials.
  const shown = SECRET_VARS.has(error.property) || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return `${error.property}: ${messages}${shown}`;
}

/** Validates the environment once; throws ConfigError naming every bad variable. */
export function loadEnv(env: NodeJS.ProcessEnv = process.env): EnvSchema {
  // Every non-empty variable goes in; `whitelist` keeps only those the schema declares.
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') raw[key] = value;
  const parsed = plainToInstance(EnvSchema, raw, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: true, forbidUnknownValues: true });
  const problems = errors.map((e) => describe(e, raw));
  if (parsed.NODE_ENV === 'production' && !parsed.LABKEYS_MASTER_KEY) {
    problems.push('LABKEYS_MASTER_KEY: required when NODE_ENV=production');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed;
}
