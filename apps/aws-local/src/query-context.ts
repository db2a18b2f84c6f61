import type { Principal } from './sessions/issued-session';

/** A verified Query-protocol (STS, IAM) call ready for its action handler. */
export interface QueryContext {
  action: string;
  params: Map<string, string>;
  principal: Principal;
  region: string;
  requestId: string;
}

/** A Query-protocol call that needs no signature (AssumeRoleWithWebIdentity): there is no AWS principal. */
export type UnsignedQueryContext = Omit<QueryContext, 'principal'>;

/** Members of a Query-protocol list: `Prefix.member.1[.Suffix]`, `Prefix.member.2…`, in order. */
export function listParam(params: Map<string, string>, prefix: string, suffix?: string): string[] | undefined {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const value = params.get(`${prefix}.member.${i}${suffix ? '.' + suffix : ''}`);
    if (value === undefined) break;
    out.push(value);
  }
  return out.length > 0 ? out : undefined;
}
