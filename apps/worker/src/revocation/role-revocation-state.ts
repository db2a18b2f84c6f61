import { partitionByExpiry, type PolicyEntry } from '@labkeys/core';
import type {
  LabSessionRepository,
  OpenRevocationEntry,
  RevocationCover,
  RevocationEntryRepository,
  TenantScope,
  Tx,
} from '@labkeys/database';
import type { RoleRef } from '@labkeys/queues';

/**
 * How long before its recorded `issuedAt` a session's STS token may have been issued by the call itself: the
 * AssumeRole call (10 s timeout) runs before the row is written. The clock margin between the database and AWS
 * comes on top. A merged statement denies tokens issued before (earliest unrevoked issuedAt − both), so it
 * never catches a classmate who still has access.
 */
export const ISSUE_CALL_ALLOWANCE_MS = 10_000;

export type StoredEntry = OpenRevocationEntry;

/** The repositories the role's state is read from. */
export interface RevocationReads {
  entries: RevocationEntryRepository;
  sessions: LabSessionRepository;
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
export async function readRoleRevocationState(
  reads: RevocationReads,
  scope: TenantScope,
  role: RoleRef,
  now: Date,
  marginMs: number,
  tx: Tx,
): Promise<RoleRevocationState> {
  const entries = await reads.entries.openOfRole(scope, role, tx);
  const { live, stale } = partitionByExpiry(entries, new Date(now.getTime() - marginMs));

  const sessionIds = live.filter((e) => e.scope !== 'LAB' && e.sessionId).map((e) => e.sessionId!);
  const issued = new Map<string, Date | null>();
  if (sessionIds.length > 0) {
    const rows = await reads.sessions.issuedAtOf(scope, sessionIds, tx);
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
  return {
    live,
    stale,
    policyEntries,
    cutoffs: await labCutoffs(reads.sessions, scope, labsWithSingles, now, marginMs, tx),
  };
}

/**
 * Per lab, the earliest moment a still-live, unrevoked session's token may have been issued. PENDING
 * sessions will be issued after `now`; an ISSUING one after its claim (its last update).
 */
async function labCutoffs(
  sessions: LabSessionRepository,
  scope: TenantScope,
  labIds: string[],
  now: Date,
  marginMs: number,
  tx: Tx,
): Promise<Map<string, Date>> {
  // A PENDING session is issued after now, whose AWS time may read up to a margin earlier.
  const cutoffs = new Map(labIds.map((id) => [id, new Date(now.getTime() - marginMs)]));
  if (labIds.length === 0) return cutoffs;
  // Sessions are issued on the lab's current role, so any live session of the lab counts, whichever role it has.
  const [active, issuing] = await Promise.all([
    sessions.earliestActiveIssueByLab(scope, labIds, tx),
    sessions.earliestIssuingClaimByLab(scope, labIds, tx),
  ]);
  const lower = (labId: string, at: Date | null) => {
    if (!at) return;
    const bound = new Date(at.getTime() - ISSUE_CALL_ALLOWANCE_MS - marginMs);
    if (bound < cutoffs.get(labId)!) cutoffs.set(labId, bound);
  };
  for (const g of active) lower(g.labId, g.at);
  for (const g of issuing) lower(g.labId, g.at);
  return cutoffs;
}

/**
 * REVOKING sessions an entry set denies on this role: a session's own entry, or its lab's entry made at or
 * after its request — for sessions issued on this role only (a session names where it was issued).
 */
export function coverOf(role: RoleRef, entries: StoredEntry[]): RevocationCover {
  return {
    connectionId: role.connectionId,
    roleArn: role.roleArn,
    sessionIds: entries.filter((e) => e.scope !== 'LAB' && e.sessionId).map((e) => e.sessionId!),
    labs: entries.filter((e) => e.scope === 'LAB').map((e) => ({ labId: e.value, requestedBy: e.createdAt })),
  };
}
