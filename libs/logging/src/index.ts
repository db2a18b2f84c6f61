export { REDACT_PATHS, REDACTED, scrubSecrets } from './redaction';
export { baseLoggerOptions, httpLoggerOptions } from './logger-options';
