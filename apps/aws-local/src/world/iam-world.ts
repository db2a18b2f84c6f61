import { stableId } from '../ids';
import type { IamRole, IamUser, LongTermKey, ManagedPolicy, OidcProvider } from './iam-entities';

const key = (account: string, name: string): string => `${account}:${name.toLowerCase()}`;

/** Name of the entity at the end of an IAM ARN (`arn:aws:iam::1:role/path/name` → `name`), or null. */
export function parseIamArn(arn: string): { account: string; type: string; path: string; name: string } | null {
  const m = /^arn:aws:iam::(\d{12}|aws):(role|user|policy)(\/(?:[^/]+\/)*)?([^/]+)$/.exec(arn);
  if (!m) return null;
  return { account: m[1], type: m[2], path: m[3] ?? '/', name: m[4] };
}

/**
 * The IAM world: accounts, users with long-term keys, roles and managed policies. IAM names are unique
 * per account case-insensitively, so entities are keyed by lower-cased name.
 */
export class IamWorld {
  readonly accounts = new Set<string>();
  private readonly users = new Map<string, IamUser>();
  private readonly roles = new Map<string, IamRole>();
  private readonly policies = new Map<string, ManagedPolicy>();
  private readonly keys = new Map<string, LongTermKey>();
  private readonly oidcProviders = new Map<string, OidcProvider>();

  addAccount(account: string): void {
    this.accounts.add(account);
  }

  putUser(user: Omit<IamUser, 'userId' | 'arn' | 'createDate'>): IamUser {
    const arn = `arn:aws:iam::${user.account}:user${user.path}${user.name}`;
    const full: IamUser = { ...user, arn, userId: stableId('AIDA', 17, arn), createDate: new Date() };
    this.users.set(key(user.account, user.name), full);
    return full;
  }

  getUser(account: string, name: string): IamUser | undefined {
    return this.users.get(key(account, name));
  }

  addAccessKey(k: LongTermKey): void {
    this.keys.set(k.accessKeyId, k);
  }

  findAccessKey(accessKeyId: string): LongTermKey | undefined {
    return this.keys.get(accessKeyId);
  }

  putRole(role: Omit<IamRole, 'roleId' | 'arn' | 'createDate'> & { roleId?: string }): IamRole {
    const arn = `arn:aws:iam::${role.account}:role${role.path}${role.name}`;
    const full: IamRole = { ...role, arn, roleId: role.roleId ?? stableId('AROA', 17, arn), createDate: new Date() };
    this.roles.set(key(role.account, role.name), full);
    return full;
  }

  getRole(account: string, name: string): IamRole | undefined {
    return this.roles.get(key(account, name));
  }

  /** Finds a role by ARN; the name decides, as role names are unique within an account whatever the path. */
  getRoleByArn(arn: string): IamRole | undefined {
    const parsed = parseIamArn(arn);
    if (!parsed || parsed.type !== 'role') return undefined;
    const role = this.getRole(parsed.account, parsed.name);
    return role && role.path === parsed.path ? role : undefined;
  }

  deleteRole(account: string, name: string): boolean {
    return this.roles.delete(key(account, name));
  }

  listRoles(account?: string): IamRole[] {
    return [...this.roles.values()].filter((r) => account === undefined || r.account === account);
  }

  putPolicy(policy: Omit<ManagedPolicy, 'policyId' | 'arn' | 'createDate' | 'updateDate'>): ManagedPolicy {
    const arn = `arn:aws:iam::${policy.account}:policy${policy.path}${policy.name}`;
    const now = new Date();
    const full: ManagedPolicy = {
      ...policy,
      arn,
      policyId: stableId('ANPA', 17, arn),
      createDate: now,
      updateDate: now,
    };
    this.policies.set(arn, full);
    return full;
  }

  getPolicy(arn: string): ManagedPolicy | undefined {
    return this.policies.get(arn);
  }

  /** Whether any role or user of the account already has a managed policy of this name. */
  findPolicyByName(account: string, name: string): ManagedPolicy | undefined {
    for (const p of this.policies.values()) {
      if (p.account === account && p.name.toLowerCase() === name.toLowerCase()) return p;
    }
    return undefined;
  }

  attachmentCount(arn: string): number {
    let n = 0;
    for (const r of this.roles.values()) if (r.attachedPolicyArns.includes(arn)) n++;
    for (const u of this.users.values()) if (u.attachedPolicyArns.includes(arn)) n++;
    return n;
  }

  putOidcProvider(provider: Omit<OidcProvider, 'arn' | 'createDate'>): OidcProvider {
    const full: OidcProvider = {
      ...provider,
      arn: oidcProviderArn(provider.account, provider.key),
      createDate: new Date(),
    };
    this.oidcProviders.set(full.arn, full);
    return full;
  }

  getOidcProvider(arn: string): OidcProvider | undefined {
    return this.oidcProviders.get(arn);
  }

  deleteOidcProvider(arn: string): boolean {
    return this.oidcProviders.delete(arn);
  }

  listOidcProviders(account: string): OidcProvider[] {
    return [...this.oidcProviders.values()].filter((p) => p.account === account);
  }
}

/** `arn:aws:iam::ACCOUNT:oidc-provider/<host/path>`, the ARN IAM gives a provider and trust policies name. */
export function oidcProviderArn(account: string, key: string): string {
  return `arn:aws:iam::${account}:oidc-provider/${key}`;
}
