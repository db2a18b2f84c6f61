import type {
  LabSessionRepository,
  RevocationEntryInput,
  RevocationEntryRepository,
  RevokedSession,
  SessionSelector,
  TenantScope,
  Tx,
} from '@labkeys/database';
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

/** The repositories a revocation writes through. */
export interface RevocationStores {
  sessions: LabSessionRepository;
  entries: RevocationEntryRepository;
}

export interface RevokeOptions {
  /** Clock difference tolerated between the database and AWS (REVOCATION_CLOCK_MARGIN_SECONDS). */
  marginMs: number;
  /** The revocation instant, by the database's clock. */
  now: Date;
  /**
   * The instructor's own words, stored with each session and told to the student (text only: it changes nothing
   * about what is denied or when).
   */
  revokeReason?: string | null;
}

/**
 * Moves the live sessions matched by `selector` towards an end, inside the caller's transaction (which holds
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
  { sessions, entries }: RevocationStores,
  tenant: TenantScope,
  selector: SessionSelector,
  scope: RevokeScope,
  reason: string,
  { marginMs, now, revokeReason = null }: RevokeOptions,
  tx: Tx,
): Promise<RevokeOutcome> {
  const { tenantId } = tenant;
  const ids = await sessions.liveIds(tenant, selector, tx);
  if (ids.length === 0) return { revoked: 0, revoking: 0, roles: [], events: [] };

  await sessions.endUnissued(tenant, ids, now, revokeReason, tx);
  await sessions.markRevoking(tenant, ids, now, revokeReason, tx);
  const ended = await sessions.revokedAt(tenant, ids, now, tx);

  const events: PushEvent[] = [];
  const roles = new Map<string, RoleRef>();
  const labCover = new Map<string, { labId: string; role: RoleRef; coversUntil: Date }>();
  const deniesBefore = new Date(now.getTime() + marginMs);
  const told: Record<string, string> = revokeReason ? { revokeReason } : {};
  for (const s of ended) {
    const subject = { tenantId, labId: s.labId, studentId: s.studentId, sessionId: s.id };
    if (s.state === 'REVOKED') {
      events.push(sessionEvent('session.ended', subject, 'REVOKED', { reason, issued: false, ...told }, now));
      continue;
    }
    if (s.state !== 'REVOKING' || !s.expiresAt) continue;
    const role = issuedOn(tenantId, s);
    const roleKey = `${role.connectionId}|${role.roleArn}`;
    roles.set(roleKey, role);
    events.push(sessionEvent('session.revoking', subject, 'REVOKING', { reason, ...told }, now));
    const insideMargin = !s.issuedAt || s.issuedAt.getTime() >= now.getTime() - marginMs;
    if (scope === 'lab') {
      const key = `${s.labId}|${roleKey}`;
      const cover = labCover.get(key);
      if (!cover || cover.coversUntil < s.expiresAt)
        labCover.set(key, { labId: s.labId, role, coversUntil: s.expiresAt });
    }
    if (scope !== 'lab' || insideMargin) {
      await upsertEntry(
        entries,
        tenant,
        role,
        {
          scope: 'SESSION',
          value: s.id,
          labId: s.labId,
          sessionId: s.id,
          coversUntil: s.expiresAt,
          deniesBefore: null,
        },
        now,
        tx,
      );
    }
  }
  for (const cover of labCover.values()) {
    await upsertEntry(
      entries,
      tenant,
      cover.role,
      {
        scope: 'LAB',
        value: cover.labId,
        labId: cover.labId,
        sessionId: null,
        coversUntil: cover.coversUntil,
        deniesBefore,
      },
      now,
      tx,
    );
  }
  const revoking = events.filter((e) => e.state === 'REVOKING').length;
  return { revoked: events.length - revoking, revoking, roles: [...roles.values()], events };
}

function issuedOn(tenantId: string, s: Pick<RevokedSession, 'connectionId' | 'roleArn' | 'lab'>): RoleRef {
  if (s.connectionId && s.roleArn) return { tenantId, connectionId: s.connectionId, roleArn: s.roleArn };
  return { tenantId, connectionId: s.lab.template.connectionId, roleArn: s.lab.template.roleArn };
}

/**
 * One row per (role, scope, value). A repeated revocation of the same lab reopens its row with the new
 * time (a LAB entry denies what was issued before `createdAt`) and the later of the two expiries.
 */
async function upsertEntry(
  entries: RevocationEntryRepository,
  tenant: TenantScope,
  role: RoleRef,
  entry: RevocationEntryInput,
  now: Date,
  tx: Tx,
): Promise<void> {
  const existing = await entries.findByKey(
    tenant,
    { roleArn: role.roleArn, scope: entry.scope, value: entry.value },
    tx,
  );
  const coversUntil =
    existing && existing.state !== 'PRUNED' && existing.coversUntil > entry.coversUntil
      ? existing.coversUntil
      : entry.coversUntil;
  await entries.upsertPending(tenant, role, entry, coversUntil, now, tx);
}
