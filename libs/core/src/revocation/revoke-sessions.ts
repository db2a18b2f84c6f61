import { LIVE_SESSION_STATES, type Prisma, type TransactionClient } from '@labkeys/database';
import { sessionEvent, type PushEvent } from '@labkeys/push';
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

// The template is only a fallback for rows issued before sessions recorded their own role.
const SESSION_FIELDS = {
  id: true,
  labId: true,
  studentId: true,
  connectionId: true,
  roleArn: true,
  issuedAt: true,
  lab: { select: { template: { select: { roleArn: true, connectionId: true } } } },
} as const;

export interface RevokeOptions {
  /** Clock difference tolerated between the database and AWS (REVOCATION_CLOCK_MARGIN_SECONDS). */
  marginMs: number;
  /** The revocation instant, by the database's clock. */
  now: Date;
}

/**
 * Moves the live sessions matched by `where` towards an end, inside the caller's transaction (which holds
 * the locks of their labs, so no start or renewal interleaves):
 * PENDING/ISSUING → REVOKED, ACTIVE → REVOKING plus revocation entries for the worker to write.
 *
 * Order matters: never-issued sessions first, then ACTIVE ones. An issuance finishing between the two
 * statements is caught by the second, because each UPDATE re-checks its condition on the newest row.
 * Credentials are denied on the role they were issued on (recorded on the session), never on what the
 * template names now. With scope `lab`, one LAB entry per lab and role denies tokens issued before
 * `now + margin`: a session issued just before the revocation is caught even when AWS's clock runs up to a
 * margin ahead of the database's. Sessions issued inside the margin also get their own SESSION entry (their
 * `labkeys:session` tag; the policy builder leaves them out while the lab statement covers them). A newcomer to
 * the lab is issued only once its token can no longer fall under that statement (the issue handler waits for
 * `deniesBefore + margin`). Otherwise one SESSION entry per session.
 */
export async function revokeLiveSessions(
  tx: TransactionClient,
  tenantId: string,
  where: Prisma.LabSessionWhereInput,
  scope: RevokeScope,
  reason: string,
  { marginMs, now }: RevokeOptions,
): Promise<RevokeOutcome> {
  const live = await tx.labSession.findMany({ where: { ...where, tenantId, state: { in: LIVE_SESSION_STATES } }, select: { id: true } });
  const ids = live.map((s) => s.id);
  if (ids.length === 0) return { revoked: 0, revoking: 0, roles: [], events: [] };

  await tx.labSession.updateMany({
    where: { tenantId, id: { in: ids }, state: { in: ['PENDING', 'ISSUING'] } },
    data: { state: 'REVOKED', revokeRequestedAt: now, endedAt: now, failureCode: null, failureReason: null },
  });
  await tx.labSession.updateMany({ where: { tenantId, id: { in: ids }, state: 'ACTIVE' }, data: { state: 'REVOKING', revokeRequestedAt: now } });
  const ended = await tx.labSession.findMany({ where: { tenantId, id: { in: ids }, revokeRequestedAt: now }, select: { ...SESSION_FIELDS, state: true, expiresAt: true } });

  const events: PushEvent[] = [];
  const roles = new Map<string, RoleRef>();
  const labCover = new Map<string, { labId: string; role: RoleRef; coversUntil: Date }>();
  const deniesBefore = new Date(now.getTime() + marginMs);
  for (const s of ended) {
    const subject = { tenantId, labId: s.labId, studentId: s.studentId, sessionId: s.id };
    if (s.state === 'REVOKED') {
      events.push(sessionEvent('session.ended', subject, 'REVOKED', { reason, issued: false }, now));
      continue;
    }
    if (s.state !== 'REVOKING' || !s.expiresAt) continue;
    const role = issuedOn(tenantId, s);
    const roleKey = `${role.connectionId}|${role.roleArn}`;
    roles.set(roleKey, role);
    events.push(sessionEvent('session.revoking', subject, 'REVOKING', { reason }, now));
    const insideMargin = !s.issuedAt || s.issuedAt.getTime() >= now.getTime() - marginMs;
    if (scope === 'lab') {
      const key = `${s.labId}|${roleKey}`;
      const cover = labCover.get(key);
      if (!cover || cover.coversUntil < s.expiresAt) labCover.set(key, { labId: s.labId, role, coversUntil: s.expiresAt });
    }
    if (scope !== 'lab' || insideMargin) {
      await upsertEntry(tx, tenantId, role, { scope: 'SESSION', value: s.id, labId: s.labId, sessionId: s.id, coversUntil: s.expiresAt, deniesBefore: null }, now);
    }
  }
  for (const cover of labCover.values()) {
    await upsertEntry(tx, tenantId, cover.role, { scope: 'LAB', value: cover.labId, labId: cover.labId, sessionId: null, coversUntil: cover.coversUntil, deniesBefore }, now);
  }
  const revoking = events.filter((e) => e.state === 'REVOKING').length;
  return { revoked: events.length - revoking, revoking, roles: [...roles.values()], events };
}

function issuedOn(tenantId: string, s: { connectionId: string | null; roleArn: string | null; lab: { template: { connectionId: string; roleArn: string } } }): RoleRef {
  if (s.connectionId && s.roleArn) return { tenantId, connectionId: s.connectionId, roleArn: s.roleArn };
  return { tenantId, connectionId: s.lab.template.connectionId, roleArn: s.lab.template.roleArn };
}

interface EntryInput {
  scope: 'LAB' | 'SESSION';
  value: string;
  labId: string;
  sessionId: string | null;
  coversUntil: Date;
  deniesBefore: Date | null;
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
    update: {
      state: 'PENDING',
      coversUntil,
      createdAt: now,
      deniesBefore: entry.deniesBefore,
      lastError: null,
      appliedAt: null,
      prunedAt: null,
      labId: entry.labId,
      sessionId: entry.sessionId,
    },
  });
}
