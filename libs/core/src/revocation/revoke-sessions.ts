import { LIVE_SESSION_STATES, type Prisma, type TransactionClient } from '@labkeys/database';
import type { PushEvent } from '@labkeys/push';
import type { RoleRef } from '@labkeys/queues';

export interface RevokeOutcome {
  /** Never issued (PENDING/ISSUING): ended at once, there are no credentials to deny. */
  revoked: number;
  /** ACTIVE: REVOKING until IAM has accepted the deny. */
  revoking: number;
  roles: RoleRef[];
  events: PushEvent[];
}

export type RevokeScope = 'lab' | 'sessions';

const SESSION_FIELDS = { id: true, labId: true, studentId: true, lab: { select: { template: { select: { roleArn: true, connectionId: true } } } } } as const;

/**
 * Moves the live sessions matched by `where` towards an end, inside the caller's transaction (which holds
 * the locks of their labs, so no start or renewal interleaves):
 * PENDING/ISSUING → REVOKED, ACTIVE → REVOKING plus revocation entries for the worker to write.
 *
 * Order matters: never-issued sessions first, then ACTIVE ones. An issuance finishing between the two
 * statements is caught by the second, because each UPDATE re-checks its condition on the newest row.
 * With scope `lab`, one LAB entry per lab denies everything of the lab issued before `now`; otherwise one
 * SESSION entry per session (sessions always carry the `labkeys:session` tag).
 */
export async function revokeLiveSessions(
  tx: TransactionClient,
  tenantId: string,
  where: Prisma.LabSessionWhereInput,
  scope: RevokeScope,
  reason: string,
  now = new Date(),
): Promise<RevokeOutcome> {
  const live = await tx.labSession.findMany({ where: { ...where, tenantId, state: { in: LIVE_SESSION_STATES } }, select: { id: true } });
  const ids = live.map((s) => s.id);
  if (ids.length === 0) return { revoked: 0, revoking: 0, roles: [], events: [] };

  const at = now.toISOString();
  await tx.labSession.updateMany({
    where: { tenantId, id: { in: ids }, state: { in: ['PENDING', 'ISSUING'] } },
    data: { state: 'REVOKED', revokeRequestedAt: now, endedAt: now, failureCode: null, failureReason: null },
  });
  await tx.labSession.updateMany({ where: { tenantId, id: { in: ids }, state: 'ACTIVE' }, data: { state: 'REVOKING', revokeRequestedAt: now } });
  const ended = await tx.labSession.findMany({ where: { tenantId, id: { in: ids }, revokeRequestedAt: now }, select: { ...SESSION_FIELDS, state: true, expiresAt: true } });

  const events: PushEvent[] = [];
  const roles = new Map<string, RoleRef>();
  const labCover = new Map<string, { labId: string; role: RoleRef; coversUntil: Date }>();
  for (const s of ended) {
    const base = { tenantId, labId: s.labId, studentId: s.studentId, sessionId: s.id, at };
    if (s.state === 'REVOKED') {
      events.push({ ...base, type: 'session.ended', state: 'REVOKED', detail: { reason, issued: false } });
      continue;
    }
    if (s.state !== 'REVOKING' || !s.expiresAt) continue;
    const role = { tenantId, connectionId: s.lab.template.connectionId, roleArn: s.lab.template.roleArn };
    roles.set(`${role.connectionId}|${role.roleArn}`, role);
    events.push({ ...base, type: 'session.revoking', state: 'REVOKING', detail: { reason } });
    if (scope === 'lab') {
      const cover = labCover.get(s.labId);
      if (!cover || cover.coversUntil < s.expiresAt) labCover.set(s.labId, { labId: s.labId, role, coversUntil: s.expiresAt });
    } else {
      await upsertEntry(tx, tenantId, role, { scope: 'SESSION', value: s.id, labId: s.labId, sessionId: s.id, coversUntil: s.expiresAt }, now);
    }
  }
  for (const cover of labCover.values()) {
    await upsertEntry(tx, tenantId, cover.role, { scope: 'LAB', value: cover.labId, labId: cover.labId, sessionId: null, coversUntil: cover.coversUntil }, now);
  }
  const revoking = events.filter((e) => e.state === 'REVOKING').length;
  return { revoked: events.length - revoking, revoking, roles: [...roles.values()], events };
}

interface EntryInput {
  scope: 'LAB' | 'SESSION';
  value: string;
  labId: string;
  sessionId: string | null;
  coversUntil: Date;
}

/**
 * One row per (role, scope, value). A repeated revocation of the same lab reopens its row with the new
 * time (a LAB entry denies what was issued before `createdAt`) and the later of the two expiries.
 */
async function upsertEntry(tx: TransactionClient, tenantId: string, role: RoleRef, entry: EntryInput, now: Date): Promise<void> {
  const key = { tenantId_roleArn_scope_value: { tenantId, roleArn: role.roleArn, scope: entry.scope, value: entry.value } };
  const existing = await tx.revocationEntry.findUnique({ where: key, select: { state: true, coversUntil: true } });
  const coversUntil = existing && existing.state !== 'PRUNED' && existing.coversUntil > entry.coversUntil ? existing.coversUntil : entry.coversUntil;
  await tx.revocationEntry.upsert({
    where: key,
    create: { tenantId, connectionId: role.connectionId, roleArn: role.roleArn, ...entry, state: 'PENDING', createdAt: now },
    update: { state: 'PENDING', coversUntil, createdAt: now, lastError: null, appliedAt: null, prunedAt: null, labId: entry.labId, sessionId: entry.sessionId },
  });
}
