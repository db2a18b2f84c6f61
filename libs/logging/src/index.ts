export { REDACT_PATHS, REDACTED, scrubSecrets } from './redaction';
export { baseLoggerOptions, httpLoggerOptions } from './logger-options';
export { installProcessHandlers, UNCAUGHT_EXIT_CODE } from './process-handlers';
