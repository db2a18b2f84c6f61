import { readFileSync } from 'node:fs';
import { parsePolicy, PolicyGrammarError } from '../authz/policy-parser';
import type { PolicyKind } from '../authz/policy-parser';
import { parseIssuerUrl } from '../oidc/issuer-url';
import { AWS_MANAGED_POLICIES } from './aws-managed-policies';
import { defaultWorld } from './default-world';
import { IamWorld } from './iam-world';
import type { AccountState, OidcProviderState, PolicyDocumentInput, WorldStateFile } from './world-types';

function documentText(doc: PolicyDocumentInput, kind: PolicyKind, where: string): string {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  try {
    parsePolicy(text, kind);
  } catch (e) {
    const reason = e instanceof PolicyGrammarError ? e.message : String(e);
    throw new Error(`aws-local state: invalid policy at ${where}: ${reason}`, { cause: e });
  }
  return text;
}

function normalizePath(path: string | undefined): string {
  return path ?? '/';
}

function loadAccount(world: IamWorld, a: AccountState): void {
  if (!/^\d{12}$/.test(a.id)) throw new Error(`aws-local state: account id must be 12 digits, got ${a.id}`);
  world.addAccount(a.id);
  for (const p of a.managedPolicies ?? []) {
    world.putPolicy({
      account: a.id,
      name: p.name,
      path: normalizePath(p.path),
      description: p.description,
      document: documentText(p.document, 'identity', `managed policy ${p.name}`),
    });
  }
  const inline = (policies: Record<string, PolicyDocumentInput> | undefined, owner: string): Map<string, string> =>
    new Map(
      Object.entries(policies ?? {}).map(([name, doc]) => [
        name,
        documentText(doc, 'identity', `${owner} policy ${name}`),
      ]),
    );
  for (const u of a.users ?? []) {
    world.putUser({
      account: a.id,
      name: u.name,
      path: normalizePath(u.path),
      inlinePolicies: inline(u.inlinePolicies, `user ${u.name}`),
      attachedPolicyArns: [...(u.attachedPolicyArns ?? [])],
      tags: { ...(u.tags ?? {}) },
    });
    for (const k of u.accessKeys ?? []) world.addAccessKey({ ...k, account: a.id, userName: u.name });
  }
  for (const r of a.roles ?? []) {
    const max = r.maxSessionDuration ?? 3600;
    if (!(max >= 3600 && max <= 43200))
      throw new Error(`aws-local state: role ${r.name} maxSessionDuration must be 3600–43200`);
    world.putRole({
      account: a.id,
      name: r.name,
      path: normalizePath(r.path),
      description: r.description,
      maxSessionDuration: max,
      trustPolicy: documentText(r.trustPolicy, 'trust', `role ${r.name} trust`),
      inlinePolicies: inline(r.inlinePolicies, `role ${r.name}`),
      attachedPolicyArns: [...(r.attachedPolicyArns ?? [])],
      tags: { ...(r.tags ?? {}) },
    });
  }
  for (const p of a.oidcProviders ?? []) loadOidcProvider(world, a.id, p);
}

function loadOidcProvider(world: IamWorld, account: string, p: OidcProviderState): void {
  const parsed = parseIssuerUrl(typeof p.url === 'string' ? p.url : '');
  if ('error' in parsed) throw new Error(`aws-local state: OIDC provider ${p.url}: ${parsed.error}`);
  if (!Array.isArray(p.clientIds) || p.clientIds.some((c) => typeof c !== 'string' || c === '')) {
    throw new Error(`aws-local state: OIDC provider ${p.url}: clientIds must be a list of non-empty strings`);
  }
  world.putOidcProvider({
    account,
    url: parsed.url,
    key: parsed.key,
    clientIds: [...p.clientIds],
    thumbprints: [...(p.thumbprints ?? [])],
    tags: { ...(p.tags ?? {}) },
  });
}

/** Builds the IAM world from a state object, a state file path, or the default world when none is given. */
export function loadWorld(state?: WorldStateFile | string): IamWorld {
  const file: WorldStateFile =
    state === undefined
      ? defaultWorld()
      : typeof state === 'string'
        ? (JSON.parse(readFileSync(state, 'utf8')) as WorldStateFile)
        : state;
  if (!file || !Array.isArray(file.accounts)) throw new Error('aws-local state: "accounts" must be an array');
  const world = new IamWorld();
  for (const p of AWS_MANAGED_POLICIES) {
    world.putPolicy({
      account: 'aws',
      name: p.name,
      path: '/',
      description: p.description,
      document: JSON.stringify(p.document),
    });
  }
  for (const a of file.accounts) loadAccount(world, a);
  return world;
}
