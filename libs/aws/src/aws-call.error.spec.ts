import { IAMServiceException } from '@aws-sdk/client-iam';
import { STSServiceException } from '@aws-sdk/client-sts';
import { AwsCallError, awsCall, classifyAwsError } from './aws-call.error';

/** An error shaped like the SDK's for a query-protocol (STS, IAM) failure. */
function sdkError(
  Base: typeof STSServiceException | typeof IAMServiceException,
  code: string,
  status: number,
  message: string,
  fault: 'client' | 'server' = 'client',
) {
  const error = new Base({ name: `${code}Exception`, $fault: fault, $metadata: { httpStatusCode: status }, message });
  return Object.assign(error, { Code: code });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe('classifyAwsError', () => {
  it.each([
    ['Throttling', 400],
    ['ThrottlingException', 400],
    ['RequestLimitExceeded', 503],
    ['ServiceUnavailable', 503],
    ['InternalFailure', 500],
  ])('%s (%i) is retryable', (code, status) => {
    const classified = classifyAwsError(sdkError(STSServiceException, code, status, 'Rate exceeded'));
    expect(classified).toMatchObject({ code, httpStatus: status, retryable: true, message: 'Rate exceeded' });
  });

  it("web identity: IDPCommunicationError (the issuer's keys unreachable) is retryable", () => {
    expect(
      classifyAwsError(
        sdkError(
          STSServiceException,
          'IDPCommunicationError',
          400,
          "Couldn't retrieve verification key from your identity provider",
        ),
      ).retryable,
    ).toBe(true);
  });

  it.each([
    ['InvalidIdentityToken', 400, 'Invalid token signature.'],
    ['IDPRejectedClaim', 403, 'Session tags are not valid.'],
    ['ExpiredTokenException', 400, 'Token expired: current date/time 1 must be before the expiration date/time0'],
  ])('web identity: %s is permanent', (code, status, text) => {
    expect(classifyAwsError(sdkError(STSServiceException, code, status, text)).toJSON()).toEqual({
      code,
      message: text,
      httpStatus: status,
      retryable: false,
    });
  });

  it('treats any 5xx as retryable, whatever its code', () => {
    expect(
      classifyAwsError(sdkError(IAMServiceException, 'SomethingNew', 502, 'bad gateway', 'server')).retryable,
    ).toBe(true);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])(
    'network error %s is retryable without a status',
    (code) => {
      expect(classifyAwsError(networkError(code))).toMatchObject({ code, httpStatus: null, retryable: true });
    },
  );

  it('a request timeout is retryable', () => {
    const timeout = Object.assign(new Error('Connection timed out after 10000 ms'), { name: 'TimeoutError' });
    expect(classifyAwsError(timeout)).toMatchObject({ code: 'TimeoutError', retryable: true, httpStatus: null });
  });

  const message =
    'User: arn:aws:iam::123456789012:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/lab';
  it.each([
    ['AccessDenied', 403, message],
    ['ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'],
    ['MalformedPolicyDocument', 400, 'Syntax errors in policy.'],
    ['PackedPolicyTooLarge', 400, 'Packed policy consumes 104% of allotted space, please use smaller policy.'],
    ['RegionDisabledException', 403, 'STS is not activated in this region for account:123456789012.'],
    ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
    ['ExpiredToken', 403, 'The security token included in the request is expired'],
  ])("STS %s is permanent and keeps AWS's exact code and message", (code, status, text) => {
    const classified = classifyAwsError(sdkError(STSServiceException, code, status, text));
    expect(classified).toBeInstanceOf(AwsCallError);
    expect(classified.toJSON()).toEqual({ code, message: text, httpStatus: status, retryable: false });
  });

  it.each([
    ['LimitExceeded', 409, 'Maximum policy size of 10240 bytes exceeded for role lab-student'],
    ['NoSuchEntity', 404, 'The role with name lab-x cannot be found.'],
  ])('IAM %s is permanent', (code, status, text) => {
    expect(classifyAwsError(sdkError(IAMServiceException, code, status, text)).toJSON()).toEqual({
      code,
      message: text,
      httpStatus: status,
      retryable: false,
    });
  });

  it('falls back to the exception name when no wire code is present, and keeps the cause', () => {
    const error = new STSServiceException({
      name: 'ExpiredTokenException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'expired',
    });
    const classified = classifyAwsError(error);
    expect(classified).toMatchObject({ code: 'ExpiredTokenException', retryable: false });
    expect(classified.cause).toBe(error);
  });

  it('leaves an already classified error alone', () => {
    const error = new AwsCallError('AccessDenied', 'no', 403, false);
    expect(classifyAwsError(error)).toBe(error);
  });

  it('awsCall rethrows classified and passes results through', async () => {
    await expect(awsCall(async () => 42)).resolves.toBe(42);
    await expect(awsCall(async () => Promise.reject(networkError('ECONNRESET')))).rejects.toMatchObject({
      name: 'AwsCallError',
      code: 'ECONNRESET',
      retryable: true,
    });
  });
});
