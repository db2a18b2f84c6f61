/**
 * Builds the one deny policy LabKeys keeps on a lab role, and keeps it inside the role's inline budget.
 *
 * AWS cannot revoke STS credentials; an explicit Deny on the role they came from ends them at once. IAM
 * counts all inline policies of a role together (10,240 characters, whitespace not counted), so the
 * policy must shrink rather than fail as revocations pile up. Strategy, cheapest first:
 *
 * 1. Exact: one statement per lab entry (`labkeys:lab` = X and issued before the revocation), one statement
 *    listing every revoked session id (`labkeys:session`), one listing assumed-role ids (`aws:userid`).
 *    A session entry already covered by its lab's entry is dropped.
 * 2. Merge per lab, labs with the most foldable sessions first: revoked sessions of lab X that were issued
 *    before every still-live, unrevoked session of X (the lab's cutoff) collapse into one statement
 *    `labkeys:lab` = X AND `aws:TokenIssueTime` < cutoff. Nobody who still has access is caught by it,
 *    and a class revoked in issue order (or entirely) shrinks to one statement per lab.
 * 3. Still too big: the caller writes nothing new, keeps the sessions REVOKING and retries.
 */

export const ROLE_INLINE_BUDGET = 10_240;
/**
 * One policy per connection: two connections (or tenants) sharing a lab role must not overwrite each
 * other's denies; each counts the other's policy against its budget like any other inline policy.
 */
export function revocationPolicyName(connectionId: string): string {
  return `LabKeysRevocations-${connectionId}`;
}

export type RevocationScopeName = 'LAB' | 'SESSION' | 'USER_ID';

export interface PolicyEntry {
  id: string;
  scope: RevocationScopeName;
  /** Lab id, session id, or `<role id>:<session name>`. */
  value: string;
  labId: string | null;
  /** LAB: tokens issued before this are denied (the revocation time). SESSION/USER_ID: when that session was issued. */
  at: Date | null;
}

export interface BuildInput {
  entries: PolicyEntry[];
  /** Per lab: the earliest possible token issue time of its live, unrevoked sessions (or now when none). */
  cutoffs: ReadonlyMap<string, Date>;
  /** Characters left for this policy: the role's budget minus its other inline policies. */
  budget: number;
  /**
   * Clock difference tolerated between the database (which recorded `at`) and AWS (which stamps the token):
   * a session is left to a lab-wide or merged statement only when it is denied even at that difference.
   */
  marginMs?: number;
}

export interface BuiltPolicy {
  /** Minified JSON, or null when nothing needs denying (the policy should be deleted). */
  document: string | null;
  size: number;
  fits: boolean;
  /** Session entries folded into per-lab statements. */
  merged: number;
}

interface Statement {
  Effect: 'Deny';
  Action: '*';
  Resource: '*';
  Condition: Record<string, Record<string, string | string[]>>;
}

const deny = (condition: Statement['Condition']): Statement => ({
  Effect: 'Deny',
  Action: '*',
  Resource: '*',
  Condition: condition,
});
const labBefore = (labId: string, before: Date): Statement =>
  deny({
    StringEquals: { 'aws:PrincipalTag/labkeys:lab': labId },
    DateLessThan: { 'aws:TokenIssueTime': before.toISOString() },
  });

/**
 * Entries still needed, and those to prune: once every session an entry covers has expired, AWS refuses
 * the credentials anyway (ExpiredToken), so the entry only costs budget.
 */
export function partitionByExpiry<T extends { coversUntil: Date }>(entries: T[], now: Date): { live: T[]; stale: T[] } {
  return { live: entries.filter((e) => e.coversUntil > now), stale: entries.filter((e) => e.coversUntil <= now) };
}

/** Size as IAM counts it; the minified JSON has no whitespace outside string values. */
export function iamPolicySize(document: string): number {
  return JSON.stringify(JSON.parse(document)).length;
}

export function buildRevocationPolicy(input: BuildInput): BuiltPolicy {
  const labEntries = input.entries.filter((e) => e.scope === 'LAB' && e.at);
  const coveredUntil = new Map<string, number>();
  for (const e of labEntries) coveredUntil.set(e.value, Math.max(coveredUntil.get(e.value) ?? 0, e.at!.getTime()));
  const margin = input.marginMs ?? 0;
  // Sessions issued (a margin) before their lab's own revocation cutoff are denied by it already.
  const singles = input.entries.filter(
    (e) => e.scope !== 'LAB' && !(e.labId && e.at && e.at.getTime() + margin < (coveredUntil.get(e.labId) ?? 0)),
  );

  const foldable = new Map<string, PolicyEntry[]>();
  for (const e of singles) {
    const cutoff = e.labId ? input.cutoffs.get(e.labId) : undefined;
    if (!cutoff || !e.at || e.at.getTime() + margin >= cutoff.getTime()) continue;
    foldable.set(e.labId!, [...(foldable.get(e.labId!) ?? []), e]);
  }
  const order = [...foldable.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));

  const folded = new Set<string>();
  const foldedLabs: string[] = [];
  let built = render(labEntries, singles, folded, foldedLabs, input.cutoffs);
  for (const [labId, entries] of order) {
    if (built.size <= input.budget) break;
    for (const e of entries) folded.add(e.id);
    foldedLabs.push(labId);
    built = render(labEntries, singles, folded, foldedLabs, input.cutoffs);
  }
  return { ...built, fits: built.size <= input.budget, merged: folded.size };
}

function render(
  labEntries: PolicyEntry[],
  singles: PolicyEntry[],
  folded: Set<string>,
  foldedLabs: string[],
  cutoffs: ReadonlyMap<string, Date>,
) {
  const statements: Statement[] = [];
  for (const e of [...labEntries].sort((a, b) => a.value.localeCompare(b.value)))
    statements.push(labBefore(e.value, e.at!));
  for (const labId of [...foldedLabs].sort()) statements.push(labBefore(labId, cutoffs.get(labId)!));
  const remaining = singles.filter((e) => !folded.has(e.id));
  const sessions = remaining
    .filter((e) => e.scope === 'SESSION')
    .map((e) => e.value)
    .sort();
  const userIds = remaining
    .filter((e) => e.scope === 'USER_ID')
    .map((e) => e.value)
    .sort();
  if (sessions.length > 0) statements.push(deny({ StringEquals: { 'aws:PrincipalTag/labkeys:session': sessions } }));
  if (userIds.length > 0) statements.push(deny({ StringEquals: { 'aws:userid': userIds } }));
  if (statements.length === 0) return { document: null, size: 0 };
  const document = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  return { document, size: document.length };
}
