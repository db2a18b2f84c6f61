import type { Backend } from '../backend';
import { accessDenied } from '../errors';
import { randomId, randomSecret, randomSessionToken } from '../ids';
import type { QueryContext } from '../query-context';
import type { IssuedSession } from '../sessions/issued-session';
import { principalArn, principalUserId } from '../sessions/issued-session';
import { ConstraintCollector, intParam } from '../validation';
import { el } from '../xml';
import { credentialsXml } from './sts-xml';

/** GetCallerIdentity needs no permission: AWS answers it even under an explicit `Deny *`. */
export function getCallerIdentity(_backend: Backend, ctx: QueryContext): string {
  const p = ctx.principal;
  return el('UserId', principalUserId(p)) + el('Account', p.account) + el('Arn', principalArn(p));
}

/** GetSessionToken: IAM users only; the credentials act with the user's own permissions. */
export function getSessionToken(backend: Backend, ctx: QueryContext): string {
  const durationSeconds = intParam(ctx.params.get('DurationSeconds'), 'DurationSeconds');
  const c = new ConstraintCollector();
  c.range(durationSeconds, 'durationSeconds', 900, 129600);
  c.length(ctx.params.get('SerialNumber'), 'serialNumber', 9, 256);
  c.length(ctx.params.get('TokenCode'), 'tokenCode', 6, 6);
  c.pattern(ctx.params.get('TokenCode'), 'tokenCode', '[\\d]*');
  c.throwIfAny();
  const p = ctx.principal;
  if (p.kind !== 'user') throw accessDenied('Cannot call GetSessionToken with session credentials');
  const nowMs = backend.clock.nowMs();
  const issuedAt = new Date(nowMs);
  const session: IssuedSession = {
    kind: 'session-token',
    accessKeyId: randomId('ASIA', 16),
    secretAccessKey: randomSecret(),
    sessionToken: randomSessionToken(),
    account: p.account,
    issuedAt,
    expiration: new Date(Math.floor(nowMs / 1000) * 1000 + (durationSeconds ?? 43200) * 1000),
    callerArn: p.user.arn,
    chained: false,
    tags: {},
    transitiveTagKeys: [],
    policyArns: [],
    userName: p.user.name,
  };
  backend.sessions.add(session, nowMs);
  return credentialsXml(session);
}
