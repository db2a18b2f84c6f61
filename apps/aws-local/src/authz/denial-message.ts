import type { AuthzResult } from './policy-types';

/** The newer AWS AccessDenied wording that says which kind of policy refused the call. */
export function denialMessage(principalArn: string, action: string, resource: string, result: AuthzResult): string {
  const inSession = result.policy === 'session policy' || (result.policy ?? '').startsWith('session/');
  const reason =
    result.decision === 'deny'
      ? `with an explicit deny in ${inSession ? 'a session policy' : 'an identity-based policy'}`
      : `because no ${inSession ? 'session policy' : 'identity-based policy'} allows the ${action} action`;
  return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
}
