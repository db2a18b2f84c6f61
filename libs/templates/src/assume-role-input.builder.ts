import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import {
  EXTERNAL_ID_PATTERN,
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  RESERVED_TAG_KEYS,
  SESSION_NAME_CHARS,
} from './aws-limits.constants';
import { contextValue, substitute, TemplateRenderError } from './placeholder.catalog';
import { renderSessionPolicy } from './session-policy.renderer';
import type { AssumeRoleContext, RenderContext, RoleTemplateInput } from './role-template.types';

type Template = Pick<
  RoleTemplateInput,
  'roleArn' | 'sessionPolicyTemplate' | 'managedPolicyArns' | 'sessionTags' | 'transitiveTagKeys' | 'allowedRegions'
>;

/**
 * `lk-<handle>-<first 8 of the session id>`: at most 3 + 32 + 1 + 8 = 44 characters. The handle makes
 * CloudTrail readable without personal data; the session part keeps a renewal distinct from its predecessor.
 */
export function roleSessionNameFor(ctx: Pick<RenderContext, 'studentHandle' | 'sessionId'>): string {
  return `lk-${ctx.studentHandle}-${ctx.sessionId.replace(/-/g, '').slice(0, 8)}`;
}

/** The exact AssumeRole parameters for one student's session; also what the template preview shows. */
export function buildAssumeRoleInput(template: Template, ctx: AssumeRoleContext): AssumeRoleCommandInput {
  const handle = contextValue(ctx, 'student.handle');
  const roleSessionName = ctx.roleSessionName ?? roleSessionNameFor(ctx);
  requireValid(isSessionName(roleSessionName), 'RoleSessionName must be 2-64 characters of [\\w+=,.@-]');
  requireValid(isSessionName(handle) && !handle.startsWith('aws:'), 'Student handle is not a valid SourceIdentity');
  requireValid(EXTERNAL_ID_PATTERN.test(ctx.externalId), 'ExternalId must be 2-1224 characters of [\\w+=,.@:/-]');
  requireValid(
    Number.isInteger(ctx.durationSeconds) &&
      ctx.durationSeconds >= MIN_DURATION_SECONDS &&
      ctx.durationSeconds <= MAX_DURATION_SECONDS,
    `DurationSeconds must be a whole number from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}`,
  );

  const [tenantKey, labKey, sessionKey] = RESERVED_TAG_KEYS;
  const tags = [
    { Key: tenantKey, Value: contextValue(ctx, 'tenant.id') },
    { Key: labKey, Value: contextValue(ctx, 'lab.id') },
    { Key: sessionKey, Value: contextValue(ctx, 'session.id') },
    ...(template.sessionTags ?? []).map((tag) => ({
      Key: tag.key,
      Value: substitute(tag.value, (name) => contextValue(ctx, name)),
    })),
  ];
  const policy = renderSessionPolicy(template, ctx);
  const policyArns = template.managedPolicyArns ?? [];
  const transitive = template.transitiveTagKeys ?? [];

  // Optional members are left out rather than set to undefined, so the preview's JSON matches the request.
  return {
    RoleArn: template.roleArn,
    RoleSessionName: roleSessionName,
    DurationSeconds: ctx.durationSeconds,
    ...(policy !== undefined && { Policy: policy }),
    ...(policyArns.length > 0 && { PolicyArns: policyArns.map((arn) => ({ arn })) }),
    Tags: tags,
    ...(transitive.length > 0 && { TransitiveTagKeys: [...transitive] }),
    SourceIdentity: handle,
    ExternalId: ctx.externalId,
  };
}

function isSessionName(value: string): boolean {
  return value.length >= 2 && value.length <= 64 && SESSION_NAME_CHARS.test(value);
}

function requireValid(ok: boolean, message: string): void {
  if (!ok) throw new TemplateRenderError(message);
}
