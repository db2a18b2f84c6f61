export {
  MAX_DURATION_SECONDS,
  MAX_MANAGED_POLICY_ARNS,
  MAX_SESSION_TAGS,
  MAX_TEMPLATE_TAGS,
  MAX_TRANSITIVE_TAG_KEYS,
  MIN_DURATION_SECONDS,
  RESERVED_TAG_KEYS,
  SESSION_POLICY_MAX_CHARS,
} from './aws-limits.constants';
export {
  COURSE_CODE_PATTERN,
  PLACEHOLDERS,
  PLACEHOLDER_NAMES,
  STUDENT_HANDLE_PATTERN,
  TemplateRenderError,
} from './placeholder.catalog';
export type { PlaceholderName, PlaceholderSpec } from './placeholder.catalog';
export type {
  AssumeRoleContext,
  RenderContext,
  RoleTemplateInput,
  SessionTagInput,
  TemplateViolation,
  ValidateRoleTemplateOptions,
} from './role-template.types';
export { validateRoleTemplate } from './role-template.validator';
export { bundledIamActionCatalog } from './iam-action.catalog';
export type { IamActionCatalog } from './iam-action.catalog';
export { REGION_GUARD_EXEMPT_ACTIONS, renderSessionPolicy, worstCaseSessionPolicy } from './session-policy.renderer';
export { buildAssumeRoleInput, roleSessionNameFor } from './assume-role-input.builder';
export { makeStudentHandle } from './student-handle.generator';
