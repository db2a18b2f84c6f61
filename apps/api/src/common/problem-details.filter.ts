import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AwsCallError } from '@labkeys/aws';
import { DomainError, ValidationError, type DomainErrorCode } from '@labkeys/core';
import { InvalidCursorError, isRecordNotFound, isUniqueViolation } from '@labkeys/database';
import { SigningKeyUnreadableError } from '@labkeys/oidc';
import { SealedSecretError } from '@labkeys/secrets';
import { JsonShapeError } from './json-shape';
import {
  PROBLEM_CONTENT_TYPE,
  problemType,
  statusTitle,
  ValidationProblemException,
  type ProblemDetails,
} from './problem';
import { STORE_RETRY_AFTER_SECONDS, storeOutage, type Store } from './store-outage';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/** Turns every error into problem+json; 5xx details never leave the server. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const outage =
      exception instanceof HttpException || exception instanceof DomainError ? undefined : storeOutage(exception);
    const problem = outage ? outageProblem(outage) : this.toProblem(exception);
    problem.instance = req.originalUrl?.split('?')[0];
    if (req.id) problem.requestId = String(req.id);
    if (outage) {
      // Expected while a store restarts; the message says which and why, without the stack of every request.
      const e = exception as { name?: string; code?: unknown; message?: string };
      this.logger.warn(
        { store: outage, error: { name: e?.name, code: e?.code, message: e?.message }, requestId: req.id },
        'store unavailable',
      );
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: req.id }, 'unhandled error');
    }
    if (res.headersSent) return;
    if (outage) res.setHeader('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ValidationProblemException) {
      return {
        type: problemType('validation'),
        title: 'Invalid request',
        status: 400,
        detail: (exception.getResponse() as { detail: string }).detail,
        errors: exception.errors,
      };
    }
    if (exception instanceof DomainError) return domainProblem(exception);
    if (exception instanceof InvalidCursorError) {
      return {
        type: problemType('validation'),
        title: 'Invalid request',
        status: 400,
        detail: exception.message,
        errors: [{ field: 'cursor', message: exception.message }],
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const extra = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      const message = typeof body === 'string' ? body : (extra.detail ?? extra.message);
      const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : undefined;
      const { message: _m, error: _e, statusCode: _s, detail: _d, ...extensions } = extra;
      return { type: problemType(slug(status)), title: statusTitle(status), status, detail, ...extensions };
    }
    // The connection must change before anything can work; nothing was sent to the overridden endpoint.
    if (exception instanceof AwsCallError && exception.code === 'EndpointOverrideRefused') {
      return {
        type: problemType('conflict'),
        title: 'Conflict',
        status: 409,
        detail: exception.message,
        code: exception.code,
      };
    }
    if (exception instanceof JsonShapeError) {
      return {
        type: problemType('validation'),
        title: 'Invalid request',
        status: 400,
        detail: exception.message,
        errors: [{ field: 'body', message: exception.message }],
      };
    }
    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.parse.failed') {
      return {
        type: problemType('malformed-body'),
        title: 'Bad Request',
        status: 400,
        detail: 'The request body is not valid JSON.',
      };
    }
    if (parserError?.type === 'entity.too.large') {
      return {
        type: problemType('payload-too-large'),
        title: 'Payload Too Large',
        status: 413,
        detail: 'The request body is too large.',
      };
    }
    if (parserError?.expose && typeof parserError.status === 'number' && parserError.status < 500) {
      return {
        type: problemType(slug(parserError.status)),
        title: statusTitle(parserError.status),
        status: parserError.status,
      };
    }
    if (isUniqueViolation(exception)) {
      return {
        type: problemType('conflict'),
        title: 'Conflict',
        status: 409,
        detail: 'A resource with the same unique value already exists.',
      };
    }
    if (isRecordNotFound(exception)) {
      return {
        type: problemType('not-found'),
        title: 'Not Found',
        status: 404,
        detail: 'The resource does not exist.',
      };
    }
    if (exception instanceof SigningKeyUnreadableError || exception instanceof SealedSecretError) {
      return keyRingProblem(exception instanceof SigningKeyUnreadableError);
    }
    return {
      type: problemType('internal'),
      title: 'Internal Server Error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: 'An unexpected error occurred; it has been logged with the request id.',
    };
  }
}

/** The HTTP status of each domain error; the problem type and title follow from it, as for Nest's exceptions. */
const DOMAIN_STATUS: Record<DomainErrorCode, HttpStatus> = {
  'not-found': HttpStatus.NOT_FOUND,
  forbidden: HttpStatus.FORBIDDEN,
  conflict: HttpStatus.CONFLICT,
  'lab-state-conflict': HttpStatus.CONFLICT,
  validation: HttpStatus.BAD_REQUEST,
};

function domainProblem(error: DomainError): ProblemDetails {
  if (error instanceof ValidationError) {
    return {
      type: problemType('validation'),
      title: 'Invalid request',
      status: 400,
      detail: error.message,
      errors: [...error.problems],
    };
  }
  const status = DOMAIN_STATUS[error.code];
  return {
    type: problemType(slug(status)),
    title: statusTitle(status),
    status,
    detail: error.message,
    ...error.details,
  };
}

function outageProblem(store: Store): ProblemDetails {
  const what = store === 'database' ? 'The database' : 'The queue and event store (Redis)';
  return {
    type: problemType('service-unavailable'),
    title: 'Service Unavailable',
    status: HttpStatus.SERVICE_UNAVAILABLE,
    detail: `${what} is unavailable for a moment; retry after ${STORE_RETRY_AFTER_SECONDS} seconds.`,
  };
}

/**
 * A stored secret this deployment's key ring cannot open: an operator's configuration, not the caller's input
 * nor a bug. The log has the kid and the key ring entry; the caller is told who can fix it and how.
 */
function keyRingProblem(signingKey: boolean): ProblemDetails {
  return {
    type: problemType('key-ring-mismatch'),
    title: 'Service Unavailable',
    status: HttpStatus.SERVICE_UNAVAILABLE,
    detail: signingKey
      ? "LabKeys cannot open its OIDC signing key with this deployment's key ring, so it cannot sign web-identity " +
        'tokens. An operator must put the key ring entry that sealed it back, or publish a new signing key ' +
        '(`npm run admin -- oidc rotate`).'
      : "LabKeys cannot open a secret it stored with this deployment's key ring. An operator must put the key " +
        'ring entry that sealed it back (the server log names it).',
  };
}

function slug(status: number): string {
  return statusTitle(status).toLowerCase().replace(/\s+/g, '-');
}
