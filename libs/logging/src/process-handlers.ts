import pino, { type Logger } from 'pino';
import { baseLoggerOptions } from './logger-options';

/** Exit code after an uncaught exception (EX_SOFTWARE): the supervisor's restart policy brings the process back. */
export const UNCAUGHT_EXIT_CODE = 70;

/**
 * Last-resort handlers for a whole process, installed first thing in main.ts so they cover boot too.
 * An unhandled rejection is one failed operation (a stream whose setup failed, say): it is logged and the
 * process goes on serving everyone else. An uncaught exception leaves the process in an unknown state: it
 * is logged and the process exits non-zero, to be restarted by its supervisor (systemd Restart=, a
 * container restart policy, Kubernetes). Both go through the structured, redacted logger.
 */
export function installProcessHandlers(
  processName: string,
  level: string,
  logger: Logger = pino(baseLoggerOptions(level, processName), pino.destination({ sync: true })),
): Logger {
  process.on('unhandledRejection', (reason) => {
    logger.error(
      { err: reason instanceof Error ? reason : { message: String(reason) } },
      'unhandled promise rejection',
    );
  });
  process.on('uncaughtException', (error, origin) => {
    logger.fatal({ err: error, origin }, 'uncaught exception; exiting so the supervisor restarts the process');
    process.exit(UNCAUGHT_EXIT_CODE);
  });
  return logger;
}
