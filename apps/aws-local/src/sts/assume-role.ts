import type { Backend } from '../backend';
import { AwsError, validationError } from '../errors';
import type { QueryContext } from '../query-context';
import type { Principal } from '../sessions/issued-session';
import { principalArn } from '../sessions/issued-session';
import { authorizeAssumeRole } from './assume-role-authorization';
import { readAssumeRoleParams } from './assume-role-params';
import type { AssumeRoleInput } from './assume-role-params';
import { issueRoleSession } from './role-session';
import { packedPolicySize } from './session-policy';
import { assumeRoleResultXml } from './sts-xml';

const ROLE_CHAINING_MAX_SECONDS = 3600;

/** Tags marked transitive on the caller's session carry over into a chained session and cannot be replaced. */
function inheritedTags(
  caller: Principal,
  input: AssumeRoleInput,
): { tags: Record<string, string>; transitive: string[] } {
  const tags: Record<string, string> = {};
  const transitive: string[] = [];
  if (caller.kind === 'assumed-role') {
    for (const key of caller.session.transitiveTagKeys) {
      if (input.tags.some((t) => t.key.toLowerCase() === key.toLowerCase())) {
        throw new AwsError(
          'InvalidParameterValue',
          `One or more transitive tag keys are already set by the calling session: ${key}`,
          400,
        );
      }
      tags[key] = caller.session.tags[key];
      transitive.push(key);
    }
  }
  for (const t of input.tags) tags[t.key] = t.value;
  return { tags, transitive: [...transitive, ...input.transitiveTagKeys] };
}

export function assumeRole(backend: Backend, ctx: QueryContext): string {
  const input = readAssumeRoleParams(ctx.params);
  const caller = ctx.principal;
  const packed = packedPolicySize(backend, input.policy, input.policyArns, input.tags.length > 0);
  // Text that is not an ARN at all is a ValidationError; an ARN that names no role is AccessDenied below.
  if (!/^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+$/.test(input.roleArn)) throw validationError('Request ARN is invalid');
  const role = backend.world.getRoleByArn(input.roleArn);
  // Source identity is sticky: a chained session keeps the one its caller had and cannot change it.
  const callerSourceIdentity = caller.kind === 'assumed-role' ? caller.session.sourceIdentity : undefined;
  if (
    callerSourceIdentity !== undefined &&
    input.sourceIdentity !== undefined &&
    input.sourceIdentity !== callerSourceIdentity
  ) {
    throw new AwsError(
      'AccessDenied',
      `User: ${principalArn(caller)} is not authorized to perform: sts:SetSourceIdentity on resource: ${input.roleArn}`,
      403,
    );
  }
  const sourceIdentity = input.sourceIdentity ?? callerSourceIdentity;
  authorizeAssumeRole(backend, caller, role, input, ctx.region, sourceIdentity);
  if (!role) throw new Error('unreachable: authorizeAssumeRole refuses missing roles');

  const chained = caller.kind === 'assumed-role';
  if (chained && input.durationSeconds > ROLE_CHAINING_MAX_SECONDS) {
    throw validationError(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (input.durationSeconds > role.maxSessionDuration) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const { tags, transitive } = inheritedTags(caller, input);
  const session = issueRoleSession(backend, role, {
    sessionName: input.roleSessionName,
    durationSeconds: input.durationSeconds,
    callerArn: principalArn(caller),
    chained,
    tags,
    transitiveTagKeys: transitive,
    sourceIdentity,
    sessionPolicy: input.policy,
    policyArns: input.policyArns,
  });
  return assumeRoleResultXml(session, packed);
}
