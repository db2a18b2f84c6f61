/**
 * An error answered to a client in the shape of the AWS service being emulated. `type` is the
 * Query-protocol `<Type>` (Sender for caller mistakes, Receiver for service-side failures).
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

export const accessDenied = (message: string): AwsError => new AwsError('AccessDenied', message, 403);
export const validationError = (message: string): AwsError => new AwsError('ValidationError', message, 400);
export const malformedPolicy = (message: string): AwsError => new AwsError('MalformedPolicyDocument', message, 400);
export const noSuchEntity = (message: string): AwsError => new AwsError('NoSuchEntity', message, 404);
