export interface SessionTagInput {
  key: string;
  value: string;
}

/** A role template as an instructor saves it; the session policy is JSON text with placeholders. */
export interface RoleTemplateInput {
  roleArn: string;
  sessionPolicyTemplate?: string | null;
  managedPolicyArns?: string[];
  durationSeconds: number;
  sessionTags?: SessionTagInput[];
  transitiveTagKeys?: string[];
  consoleDestination?: string | null;
  allowedRegions?: string[];
}

/** `field` is a dotted path into RoleTemplateInput, e.g. `sessionPolicyTemplate.Statement[0].Effect`. */
export interface TemplateViolation {
  field: string;
  message: string;
}

export interface ValidateRoleTemplateOptions {
  /** The role's MaxSessionDuration from GetRole, or 3600 when LabKeys itself runs as an assumed role. */
  maxSessionDuration?: number;
  /** When given, the role must live in this account and partition (the template's AWS connection). */
  accountId?: string;
  partition?: string;
}

export interface RenderContext {
  tenantId: string;
  labId: string;
  sessionId: string;
  studentHandle: string;
  courseId: string;
  courseCode: string;
  region: string;
  accountId: string;
  partition: string;
}

export interface AssumeRoleContext extends RenderContext {
  externalId: string;
  durationSeconds: number;
  roleSessionName?: string;
}
