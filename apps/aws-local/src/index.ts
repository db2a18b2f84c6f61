export { startAwsLocal } from './server';
export type { AwsLocal, AwsLocalOptions } from './server';
export type { Faults } from './faults';
export { NO_FAULTS } from './faults';
export type { RoleView, DiagnosticResult } from './core';
export type {
  WorldStateFile,
  AccountState,
  RoleState,
  UserState,
  ManagedPolicyState,
  OidcProviderState,
} from './world/world-types';
export { DEFAULT_ACCOUNT, DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY } from './world/default-world';
