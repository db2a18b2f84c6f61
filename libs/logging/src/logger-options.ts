import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream, LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { REDACTED, REDACT_PATHS, scrubSecrets } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Base pino options shared by every LabKeys process: JSON lines, redaction, scrubbing. */
export function baseLoggerOptions(level: string, processName: string): LoggerOptions {
  return {
    level,
    base: { process: processName },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: {
      // Scrub token-shaped strings from messages and string arguments.
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
  };
}

/** pino-http options for the api: request ids, scrubbed URLs, redacted headers. */
export function httpLoggerOptions(level: string, stream?: DestinationStream): PinoHttpOptions {
  return {
    ...baseLoggerOptions(level, 'api'),
    stream,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    serializers: {
      req(req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) {
        return {
          id: req.id,
          method: req.method,
          url: scrubSecrets(req.url),
          headers: {
            'user-agent': req.headers['user-agent'],
            authorization: req.headers.authorization === undefined ? undefined : REDACTED,
          },
          remoteAddress: req.remoteAddress,
        };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
  };
}
