import type { Backend } from '../backend';
import { policySizeWithoutWhitespace } from '../authz/policy-parser';
import { AwsError, validationError } from '../errors';
import { randomId, randomSecret, randomSessionToken } from '../ids';
import type { QueryContext } from '../query-context';
import type { IssuedSession, Principal } from '../sessions/issued-session';
import { principalArn } from '../sessions/issued-session';
import { authorizeAssumeRole } from './assume-role-authorization';
import { readAssumeRoleParams } from './assume-role-params';
import type { AssumeRoleInput } from './assume-role-params';
import { assumeRoleResultXml } from './sts-xml';

// Session policies (inline and managed) share 2,048 plaintext characters, whitespace not counted.
const PACKED_POLICY_LIMIT = 2048;
const ROLE_CHAINING_MAX_SECONDS = 3600;

/** Percentage of the packed-policy allowance the session policies use; PackedPolicyTooLarge above 100. */
function packedPolicySize(backend: Backend, input: AssumeRoleInput): number | undefined {
  if (input.policy === undefined && input.policyArns.length === 0 && input.tags.length === 0) return undefined;
  let chars = input.policy === undefined ? 0 : policySizeWithoutWhitespace(input.policy);
  for (const arn of input.policyArns) {
    const managed = backend.world.getPolicy(arn);
    if (!managed) throw validationError(`Policy ${arn} does not exist or is not attachable.`);
    chars += policySizeWithoutWhitespace(managed.document);
  }
  const percent = Math.ceil((chars * 100) / PACKED_POLICY_LIMIT);
  if (percent > 100) {
    throw new AwsError('PackedPolicyTooLarge', `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`, 400);
  }
  return percent;
}

/** Tags marked transitive on the caller's session carry over into a chained session and cannot be replaced. */
function inheritedTags(caller: Principal, input: AssumeRoleInput): { tags: Record<string, string>; transitive: string[] } {
  const tags: Record<string, string> = {};
  const transitive: string[] = [];
  if (caller.kind === 'assumed-role') {
    for (const key of caller.session.transitiveTagKeys) {
      if (input.tags.some((t) => t.key.toLowerCase() === key.toLowerCase())) {
        throw new AwsError('InvalidParameterValue', `One or more transitive tag keys are already set by the calling session: ${key}`, 400);
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
  const packed = packedPolicySize(backend, input);
  // Text that is not an ARN at all is a ValidationError; an ARN that names no role is AccessDenied below.
  if (!/^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+$/.test(input.roleArn)) throw validationError('Request ARN is invalid');
  const role = backend.world.getRoleByArn(input.roleArn);
  // Source identity is sticky: a chained session keeps the one its caller had and cannot change it.
  const callerSourceIdentity = caller.kind === 'assumed-role' ? caller.session.sourceIdentity : undefined;
  if (callerSourceIdentity !== undefined && input.sourceIdentity !== undefined && input.sourceIdentity !== callerSourceIdentity) {
    throw new AwsError('AccessDenied', `User: ${principalArn(caller)} is not authorized to perform: sts:SetSourceIdentity on resource: ${input.roleArn}`, 403);
  }
  const sourceIdentity = input.sourceIdentity ?? callerSourceIdentity;
  authorizeAssumeRole(backend, caller, role, input, ctx.region, sourceIdentity);
  if (!role) throw new Error('unreachable: authorizeAssumeRole refuses missing roles');

  const chained = caller.kind === 'assumed-role';
  if (chained && input.durationSeconds > ROLE_CHAINING_MAX_SECONDS) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (input.durationSeconds > role.maxSessionDuration) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const { tags, transitive } = inheritedTags(caller, input);
  const nowMs = backend.clock.nowMs();
  // Issue time keeps milliseconds so a revocation cutoff taken "now" never catches a session issued
  // just after it; the expiration is cut to whole seconds, as AWS reports it.
  const issuedAt = new Date(nowMs);
  const session: IssuedSession = {
    kind: 'assumed-role',
    accessKeyId: randomId('ASIA', 16),
    secretAccessKey: randomSecret(),
    sessionToken: randomSessionToken(),
    account: role.account,
    issuedAt,
    expiration: new Date(Math.floor(nowMs / 1000) * 1000 + input.durationSeconds * 1000),
    callerArn: principalArn(caller),
    chained,
    tags,
    transitiveTagKeys: transitive,
    sourceIdentity,
    sessionPolicy: input.policy,
    policyArns: input.policyArns,
    role: { arn: role.arn, name: role.name, id: role.roleId, account: role.account },
    sessionName: input.roleSessionName,
    assumedRoleArn: `arn:aws:sts::${role.account}:assumed-role/${role.name}/${input.roleSessionName}`,
  };
  backend.sessions.add(session, nowMs);
  return assumeRoleResultXml(session, packed);
}
