import type { Backend } from '../backend';
import { randomId, randomSecret, randomSessionToken } from '../ids';
import type { IssuedSession } from '../sessions/issued-session';
import type { IamRole } from '../world/iam-entities';

/** What the caller decided about the session; the rest of IssuedSession (keys, times, role) is made here. */
export type RoleSessionGrant = Pick<
  IssuedSession,
  | 'callerArn'
  | 'chained'
  | 'tags'
  | 'transitiveTagKeys'
  | 'sourceIdentity'
  | 'sessionPolicy'
  | 'policyArns'
  | 'webIdentity'
> & {
  sessionName: string;
  durationSeconds: number;
};

/** Issues and records the temporary credentials of a role session (AssumeRole, AssumeRoleWithWebIdentity). */
export function issueRoleSession(backend: Backend, role: IamRole, grant: RoleSessionGrant): IssuedSession {
  const nowMs = backend.clock.nowMs();
  // Issue time keeps milliseconds so a revocation cutoff taken "now" never catches a session issued
  // just after it; the expiration is cut to whole seconds, as AWS reports it.
  const session: IssuedSession = {
    kind: 'assumed-role',
    accessKeyId: randomId('ASIA', 16),
    secretAccessKey: randomSecret(),
    sessionToken: randomSessionToken(),
    account: role.account,
    issuedAt: new Date(nowMs),
    expiration: new Date(Math.floor(nowMs / 1000) * 1000 + grant.durationSeconds * 1000),
    callerArn: grant.callerArn,
    chained: grant.chained,
    tags: grant.tags,
    transitiveTagKeys: grant.transitiveTagKeys,
    sourceIdentity: grant.sourceIdentity,
    sessionPolicy: grant.sessionPolicy,
    policyArns: grant.policyArns,
    role: { arn: role.arn, name: role.name, id: role.roleId, account: role.account },
    sessionName: grant.sessionName,
    assumedRoleArn: `arn:aws:sts::${role.account}:assumed-role/${role.name}/${grant.sessionName}`,
    webIdentity: grant.webIdentity,
  };
  backend.sessions.add(session, nowMs);
  return session;
}
