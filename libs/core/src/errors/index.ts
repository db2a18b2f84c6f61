export {
  ConflictError,
  DomainError,
  ForbiddenError,
  LabStateConflictError,
  NotFoundError,
  ValidationError,
  type DomainErrorCode,
  type FieldProblem,
} from './domain-errors';
export { ConnectionNotVerifiedError, type UnverifiedConnection } from '../labs/connection-not-verified.error';
