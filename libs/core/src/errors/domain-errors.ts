/** One invalid field of an input: where it is and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type DomainErrorCode = 'not-found' | 'forbidden' | 'conflict' | 'lab-state-conflict' | 'validation';

/**
 * A use case refusing its input or the current state. The message is written for the caller (it becomes the
 * API's problem detail); `details` are extra non-secret facts worth showing (the field at fault, an id).
 * Thrown by the use cases in libs/; the api answers them as problem+json 4xx, the worker fails the job at once
 * (retrying cannot change the answer).
 */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  protected constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The thing named does not exist for this tenant (another tenant's ids read as unknown, too). */
export class NotFoundError extends DomainError {
  readonly code: DomainErrorCode = 'not-found';

  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details);
  }
}

/** The actor may not do this. */
export class ForbiddenError extends DomainError {
  readonly code: DomainErrorCode = 'forbidden';

  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details);
  }
}

/** The change contradicts the current state of something else. */
export class ConflictError extends DomainError {
  readonly code: DomainErrorCode = 'conflict';

  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details);
  }
}

/** The lab's state does not allow this (starting an ended lab, ending a scheduled one). */
export class LabStateConflictError extends ConflictError {
  override readonly code: DomainErrorCode = 'lab-state-conflict';

  constructor(
    readonly labState: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

/** The input is invalid; each problem names its field. */
export class ValidationError extends DomainError {
  readonly code: DomainErrorCode = 'validation';

  constructor(
    readonly problems: readonly FieldProblem[],
    message = 'The request has invalid fields.',
  ) {
    super(message);
  }
}
