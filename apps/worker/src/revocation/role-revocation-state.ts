import { partitionByExpiry, type PolicyEntry } from '@labkeys/core';
import type { RevocationScope, TransactionClient } from '@labkeys/database';
import type { RoleRef } from '@labkeys/queues';

/**
 * How long before its recorded `issuedAt` a session's STS token may have been issued by the call itself: the
 * AssumeRole call (10 s timeout) runs before the row is written. The clock margin between the database and AWS
 * comes on top. A merged statement denies tokens issued before (earliest unrevoked issuedAt − both), so it
 * never catches a classmate who still has access.
 */
export const ISSUE_CALL_ALLOWANCE_MS = 10_000;

export interface StoredEntry {
  id: string;
  scope: RevocationScope;
  value: string;
  labId: string | null;
  sessionId: string | null;
  state: 'PENDING' | 'APPLIED' | 'PRUNED';
  coversUntil: Date;
  createdAt: Date;
  deniesBefore: Date | null;
}

export interface RoleRevocationState {
  /** Entries still needed in the policy. */
  live: StoredEntry[];
  /** Entries whose sessions have all expired: left out of the policy, PRUNED once it is written. */
  stale: StoredEntry[];
  policyEntries: PolicyEntry[];
  cutoffs: Map<string, Date>;
}

/**
 * Reads what the role's deny policy must say right now, from Postgres (the truth). `now` is the database's
 * clock; an entry is pruned only a margin after its sessions' last expiry, since AWS's clock may lag.
 */
export async function readRoleRevocationState(prisma: TransactionClient, role: RoleRef, now: Date, marginMs: number): Promise<RoleRevocationState> {
  const entries = (await prisma.revocationEntry.findMany({
    where: { tenantId: role.tenantId, connectionId: role.connectionId, roleArn: role.roleArn, state: { in: ['PENDING', 'APPLIED'] } },
    select: { id: true, scope: true, value: true, labId: true, sessionId: true, state: true, coversUntil: true, createdAt: true, deniesBefore: true },
  })) as StoredEntry[];
  const { live, stale } = partitionByExpiry(entries, new Date(now.getTime() - marginMs));

  const sessionIds = live.filter((e) => e.scope !== 'LAB' && e.sessionId).map((e) => e.sessionId!);
  const issued = new Map<string, Date | null>();
  if (sessionIds.length > 0) {
    const rows = await prisma.labSession.findMany({ where: { tenantId: role.tenantId, id: { in: sessionIds } }, select: { id: true, issuedAt: true } });
    for (const r of rows) issued.set(r.id, r.issuedAt);
  }
  const policyEntries: PolicyEntry[] = live.map((e) => ({
    id: e.id,
    scope: e.scope,
    value: e.value,
    labId: e.labId,
    at: e.scope === 'LAB' ? (e.deniesBefore ?? e.createdAt) : (issued.get(e.sessionId ?? '') ?? null),
  }));
  const labsWithSingles = [...new Set(live.filter((e) => e.scope !== 'LAB' && e.labId).map((e) => e.labId!))];
  return { live, stale, policyEntries, cutoffs: await labCutoffs(prisma, role, labsWithSingles, now, marginMs) };
}

/**
 * Per lab, the earliest moment a still-live, unrevoked session's token may have been issued. PENDING
 * sessions will be issued after `now`; an ISSUING one after its claim (its last update).
 */
async function labCutoffs(prisma: TransactionClient, role: RoleRef, labIds: string[], now: Date, marginMs: number): Promise<Map<string, Date>> {
  const { tenantId } = role;
  // A PENDING session is issued after now, whose AWS time may read up to a margin earlier.
  const cutoffs = new Map(labIds.map((id) => [id, new Date(now.getTime() - marginMs)]));
  if (labIds.length === 0) return cutoffs;
  // Sessions are issued on the lab's current role, so any live session of the lab counts, whichever role it has.
  const [active, issuing] = await Promise.all([
    prisma.labSession.groupBy({ by: ['labId'], where: { tenantId, labId: { in: labIds }, state: 'ACTIVE' }, _min: { issuedAt: true } }),
    prisma.labSession.groupBy({ by: ['labId'], where: { tenantId, labId: { in: labIds }, state: 'ISSUING' }, _min: { updatedAt: true } }),
  ]);
  const lower = (labId: string, at: Date | null) => {
    if (!at) return;
    const bound = new Date(at.getTime() - ISSUE_CALL_ALLOWANCE_MS - marginMs);
    if (bound < cutoffs.get(labId)!) cutoffs.set(labId, bound);
  };
  for (const g of active) lower(g.labId, g._min.issuedAt);
  for (const g of issuing) lower(g.labId, g._min.updatedAt);
  return cutoffs;
}

/**
 * REVOKING sessions an entry set denies on this role: a session's own entry, or its lab's entry made at or
 * after its request — for sessions issued on this role only (a session names where it was issued).
 */
export function coveredSessionFilter(role: RoleRef, entries: StoredEntry[]) {
  const sessionIds = entries.filter((e) => e.scope !== 'LAB' && e.sessionId).map((e) => e.sessionId!);
  const labs = entries.filter((e) => e.scope === 'LAB');
  const onRole = { OR: [{ connectionId: role.connectionId, roleArn: role.roleArn }, { roleArn: null }] };
  return {
    tenantId: role.tenantId,
    state: 'REVOKING' as const,
    AND: [onRole, { OR: [{ id: { in: sessionIds } }, ...labs.map((e) => ({ labId: e.value, revokeRequestedAt: { lte: e.createdAt } }))] }],
  };
}
