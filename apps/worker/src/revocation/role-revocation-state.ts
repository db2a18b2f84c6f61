import { partitionByExpiry, type PolicyEntry } from '@labkeys/core';
import type { PrismaService, RevocationScope } from '@labkeys/database';
import type { RoleRef } from '@labkeys/queues';

/**
 * How long before its recorded `issuedAt` a session's STS token may have been issued: the AssumeRole call
 * (10 s timeout) runs before the row is written, plus clock difference between LabKeys and AWS. A merged
 * statement denies tokens issued before (earliest unrevoked issuedAt − this), so it never catches a
 * classmate who still has access.
 */
export const ISSUE_TIME_MARGIN_MS = 30_000;

export interface StoredEntry {
  id: string;
  scope: RevocationScope;
  value: string;
  labId: string | null;
  sessionId: string | null;
  state: 'PENDING' | 'APPLIED' | 'PRUNED';
  coversUntil: Date;
  createdAt: Date;
}

export interface RoleRevocationState {
  /** Entries still needed in the policy. */
  live: StoredEntry[];
  /** Entries whose sessions have all expired: left out of the policy, PRUNED once it is written. */
  stale: StoredEntry[];
  policyEntries: PolicyEntry[];
  cutoffs: Map<string, Date>;
}

/** Reads what the role's deny policy must say right now, from Postgres (the truth). */
export async function readRoleRevocationState(prisma: PrismaService, role: RoleRef, now: Date): Promise<RoleRevocationState> {
  const entries = (await prisma.revocationEntry.findMany({
    where: { tenantId: role.tenantId, connectionId: role.connectionId, roleArn: role.roleArn, state: { in: ['PENDING', 'APPLIED'] } },
    select: { id: true, scope: true, value: true, labId: true, sessionId: true, state: true, coversUntil: true, createdAt: true },
  })) as StoredEntry[];
  const { live, stale } = partitionByExpiry(entries, now);

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
    at: e.scope === 'LAB' ? e.createdAt : (issued.get(e.sessionId ?? '') ?? null),
  }));
  const labsWithSingles = [...new Set(live.filter((e) => e.scope !== 'LAB' && e.labId).map((e) => e.labId!))];
  return { live, stale, policyEntries, cutoffs: await labCutoffs(prisma, role.tenantId, labsWithSingles, now) };
}

/**
 * Per lab, the earliest moment a still-live, unrevoked session's token may have been issued. PENDING
 * sessions will be issued after `now`; an ISSUING one after its claim (its last update).
 */
async function labCutoffs(prisma: PrismaService, tenantId: string, labIds: string[], now: Date): Promise<Map<string, Date>> {
  const cutoffs = new Map(labIds.map((id) => [id, now]));
  if (labIds.length === 0) return cutoffs;
  const [active, issuing] = await Promise.all([
    prisma.labSession.groupBy({ by: ['labId'], where: { tenantId, labId: { in: labIds }, state: 'ACTIVE' }, _min: { issuedAt: true } }),
    prisma.labSession.groupBy({ by: ['labId'], where: { tenantId, labId: { in: labIds }, state: 'ISSUING' }, _min: { updatedAt: true } }),
  ]);
  const lower = (labId: string, at: Date | null) => {
    if (!at) return;
    const bound = new Date(at.getTime() - ISSUE_TIME_MARGIN_MS);
    if (bound < cutoffs.get(labId)!) cutoffs.set(labId, bound);
  };
  for (const g of active) lower(g.labId, g._min.issuedAt);
  for (const g of issuing) lower(g.labId, g._min.updatedAt);
  return cutoffs;
}

/** REVOKING sessions an entry set denies: a session's own entry, or its lab's entry made at or after its request. */
export function coveredSessionFilter(role: RoleRef, entries: StoredEntry[]) {
  const sessionIds = entries.filter((e) => e.scope !== 'LAB' && e.sessionId).map((e) => e.sessionId!);
  const labs = entries.filter((e) => e.scope === 'LAB');
  return {
    tenantId: role.tenantId,
    state: 'REVOKING' as const,
    OR: [{ id: { in: sessionIds } }, ...labs.map((e) => ({ labId: e.value, revokeRequestedAt: { lte: e.createdAt } }))],
  };
}
