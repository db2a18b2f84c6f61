import type { AuthzResult, ContextValue } from './authz/policy-types';
import { Backend } from './backend';
import { Clock } from './clock';
import { CallCounters } from './counters';
import { FaultInjector } from './faults';
import { SigninTokenStore } from './federation/signin-token-store';
import type { Principal } from './sessions/issued-session';
import { SigV4Verifier } from './sigv4/sigv4-verifier';
import { inlinePolicySize } from './iam/role-policy-actions';
import { DEFAULT_ACCOUNT } from './world/default-world';
import type { IamRole } from './world/iam-entities';
import type { IamWorld } from './world/iam-world';

/** A role as tests and the admin endpoint see it. */
export interface RoleView {
  account: string;
  name: string;
  path: string;
  arn: string;
  roleId: string;
  maxSessionDuration: number;
  trustPolicy: unknown;
  inlinePolicies: Record<string, unknown>;
  /** Aggregate inline policy size as IAM counts it against its 10,240-character quota. */
  inlinePolicySize: number;
  attachedPolicyArns: string[];
}

export interface DiagnosticResult extends AuthzResult {
  principalArn: string;
  expired: boolean;
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function roleView(role: IamRole): RoleView {
  return {
    account: role.account,
    name: role.name,
    path: role.path,
    arn: role.arn,
    roleId: role.roleId,
    maxSessionDuration: role.maxSessionDuration,
    trustPolicy: parsedOrText(role.trustPolicy),
    inlinePolicies: Object.fromEntries([...role.inlinePolicies].map(([n, t]) => [n, parsedOrText(t)])),
    inlinePolicySize: inlinePolicySize(role.inlinePolicies),
    attachedPolicyArns: [...role.attachedPolicyArns],
  };
}

/** Everything one aws-local instance holds, independent of HTTP. */
export class AwsLocalCore {
  readonly faults = new FaultInjector();
  readonly counters = new CallCounters();
  readonly clock = new Clock(() => this.faults.skewMs());
  readonly signin = new SigninTokenStore();
  readonly backend: Backend;
  readonly verifier: SigV4Verifier;

  constructor(readonly world: IamWorld) {
    this.backend = new Backend(world, this.clock);
    this.verifier = new SigV4Verifier(world, this.backend.sessions, this.clock);
  }

  getRole(name: string, account = DEFAULT_ACCOUNT): RoleView | undefined {
    const role = this.world.getRole(account, name);
    return role ? roleView(role) : undefined;
  }

  listRoles(): RoleView[] {
    return this.world.listRoles().map(roleView);
  }

  private principalFor(accessKeyId: string): Principal | undefined {
    const key = this.world.findAccessKey(accessKeyId);
    if (key) {
      const user = this.world.getUser(key.account, key.userName);
      return user && { kind: 'user', account: user.account, user, accessKeyId };
    }
    const session = this.backend.sessions.get(accessKeyId);
    if (!session) return undefined;
    if (session.kind === 'assumed-role') return { kind: 'assumed-role', account: session.account, session };
    const user = this.world.getUser(session.account, session.userName as string);
    return user && { kind: 'session-token', account: session.account, user, session };
  }

  /** Diagnostic: would a request by these credentials for this action and resource be allowed, and why. */
  diagnose(
    accessKeyId: string,
    action: string,
    resource: string,
    region = 'us-east-1',
    context?: Record<string, ContextValue>,
  ): DiagnosticResult | undefined {
    const p = this.principalFor(accessKeyId);
    if (!p) return undefined;
    const expired = p.kind !== 'user' && p.session.expiration.getTime() <= this.clock.nowMs();
    const arn = p.kind === 'assumed-role' ? (p.session.assumedRoleArn as string) : p.user.arn;
    if (expired)
      return { decision: 'deny', statement: null, policy: 'expired credentials', principalArn: arn, expired };
    return { ...this.backend.authorizer.authorize(p, action, resource, region, context), principalArn: arn, expired };
  }
}
