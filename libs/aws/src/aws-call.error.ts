/**
 * One failed AWS call, classified once so every caller decides the same way: the worker rethrows
 * `retryable` errors for BullMQ to retry and ends the rest permanently with AWS's own code and message.
 */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';

  constructor(
    /** AWS's error code exactly as sent (`AccessDenied`, `Throttling`, …), or the transport's (`ECONNRESET`). */
    readonly code: string,
    /** AWS's message exactly as sent. */
    message: string,
    /** The HTTP status of AWS's answer; null when no answer arrived (network errors, timeouts). */
    readonly httpStatus: number | null,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { code: string; message: string; httpStatus: number | null; retryable: boolean } {
    return { code: this.code, message: this.message, httpStatus: this.httpStatus, retryable: this.retryable };
  }
}

const RETRYABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'ServiceFailure',
  'ServiceFailureException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'IDPCommunicationError',
]);

/** Transport failures: no answer from AWS, so trying again may well work. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { statusCode?: unknown };
}

/**
 * Classifies any error thrown by an AWS SDK call. Permanent by default: an unknown 4xx is a request
 * LabKeys must change (AccessDenied, ValidationError, MalformedPolicyDocument, PackedPolicyTooLarge,
 * RegionDisabledException, InvalidClientTokenId, ExpiredToken, IAM's LimitExceeded, NoSuchEntity …),
 * whereas throttling, 5xx, timeouts and network errors are worth another attempt.
 */
export function classifyAwsError(error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = numberOr(e.$metadata?.httpStatusCode) ?? numberOr(e.$response?.statusCode);
  // The query protocol (STS, IAM) carries the wire code in `Code`; the class name adds "Exception".
  const code = stringOr(e.Code) ?? stringOr(e.code) ?? stringOr(e.name) ?? 'UnknownError';
  const message = stringOr(e.message) ?? String(error);
  const retryable =
    RETRYABLE_CODES.has(code) ||
    NETWORK_CODES.has(code) ||
    (status !== null && (status >= 500 || status === 429)) ||
    (status === null && e.$fault === 'server');
  return new AwsCallError(code, message, status, retryable, { cause: error });
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function numberOr(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Runs one SDK call and rethrows its failure classified. */
export async function awsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyAwsError(error);
  }
}
