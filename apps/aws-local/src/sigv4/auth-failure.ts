import { AwsError } from '../errors';

export type AuthFailureKind = 'missing' | 'malformed' | 'unknownKey' | 'badSignature' | 'expired' | 'timeSkew';

/** Why a request could not be authenticated; turned into each service's own error code and message. */
export class AuthFailure extends Error {
  constructor(
    readonly kind: AuthFailureKind,
    readonly detail = '',
  ) {
    super(kind);
  }
}

const SIGNATURE_MISMATCH_QUERY =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const SIGNATURE_MISMATCH_S3 =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

export function authFailureToError(f: AuthFailure, service: string): AwsError {
  if (service === 's3') {
    switch (f.kind) {
      case 'missing':
      case 'malformed':
        return new AwsError('AccessDenied', 'Access Denied', 403);
      case 'unknownKey':
        return new AwsError(
          'InvalidAccessKeyId',
          'The AWS Access Key Id you provided does not exist in our records.',
          403,
        );
      case 'expired':
        return new AwsError('ExpiredToken', 'The provided token has expired.', 400);
      case 'timeSkew':
        return new AwsError(
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
          403,
        );
      default:
        return new AwsError('SignatureDoesNotMatch', SIGNATURE_MISMATCH_S3, 403);
    }
  }
  switch (f.kind) {
    case 'missing':
      return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'malformed':
      return new AwsError(
        'IncompleteSignature',
        f.detail || 'Authorization header requires a valid SigV4 signature.',
        403,
      );
    case 'unknownKey':
      return new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'expired':
      return new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
    case 'timeSkew':
      return new AwsError('SignatureDoesNotMatch', f.detail, 403);
    default:
      return new AwsError('SignatureDoesNotMatch', SIGNATURE_MISMATCH_QUERY, 403);
  }
}
