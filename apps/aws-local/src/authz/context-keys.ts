import { awsTimestamp } from '../xml';
import type { Principal } from '../sessions/issued-session';
import { principalUserId } from '../sessions/issued-session';
import type { ContextValue, RequestContextKeys } from './policy-types';

/**
 * The global condition keys IAM puts in every request context for this principal. Keys are stored
 * lower-cased because condition keys (tag keys included) match case-insensitively.
 */
export function principalContextKeys(
  p: Principal,
  region: string,
  now: Date,
  extra: Record<string, ContextValue> = {},
): RequestContextKeys {
  const keys: RequestContextKeys = new Map();
  const set = (k: string, v: ContextValue | undefined): void => {
    if (v !== undefined) keys.set(k.toLowerCase(), v);
  };
  set('aws:CurrentTime', awsTimestamp(now));
  set('aws:EpochTime', String(Math.floor(now.getTime() / 1000)));
  set('aws:RequestedRegion', region);
  set('aws:SecureTransport', 'false');
  set('aws:ViaAWSService', 'false');
  set('aws:PrincipalAccount', p.account);
  set('aws:userid', principalUserId(p));
  if (p.kind === 'assumed-role') {
    const s = p.session;
    set('aws:PrincipalArn', s.role?.arn);
    set('aws:PrincipalType', 'AssumedRole');
    set('aws:SourceIdentity', s.sourceIdentity);
    set('aws:TokenIssueTime', s.issuedAt.toISOString());
    set('aws:FederatedProvider', s.webIdentity?.providerArn);
    for (const [k, v] of Object.entries(s.tags)) set(`aws:PrincipalTag/${k}`, v);
  } else {
    set('aws:PrincipalArn', p.user.arn);
    set('aws:PrincipalType', 'User');
    set('aws:username', p.user.name);
    for (const [k, v] of Object.entries(p.user.tags)) set(`aws:PrincipalTag/${k}`, v);
    if (p.kind === 'session-token') set('aws:TokenIssueTime', p.session.issuedAt.toISOString());
  }
  for (const [k, v] of Object.entries(extra)) set(k, v);
  return keys;
}

/**
 * The request context of an AssumeRoleWithWebIdentity call, which has no AWS principal: the global
 * time and transport keys, `aws:FederatedProvider`, and the provider's claim keys `<host/path>:aud`
 * and `<host/path>:sub` that trust-policy conditions test.
 */
export function webIdentityContextKeys(
  identity: { providerArn: string; providerKey: string; audience: string; subject: string },
  region: string,
  now: Date,
  extra: Record<string, ContextValue> = {},
): RequestContextKeys {
  const keys: RequestContextKeys = new Map();
  const entries: Record<string, ContextValue> = {
    'aws:CurrentTime': awsTimestamp(now),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:RequestedRegion': region,
    'aws:SecureTransport': 'false',
    'aws:ViaAWSService': 'false',
    'aws:FederatedProvider': identity.providerArn,
    [`${identity.providerKey}:aud`]: identity.audience,
    [`${identity.providerKey}:sub`]: identity.subject,
    ...extra,
  };
  for (const [k, v] of Object.entries(entries)) keys.set(k.toLowerCase(), v);
  return keys;
}
