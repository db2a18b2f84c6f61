import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { InstructorRole } from '../generated/prisma/enums';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** A live dashboard session with what a request needs of its instructor and tenant. */
export interface LiveWebSession {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantMfaRequired: boolean;
  instructorId: string;
  email: string;
  name: string | null;
  role: InstructorRole;
  /** The instructor has a confirmed TOTP factor. */
  mfaEnabled: boolean;
  /** This session proved the second factor. */
  mfaVerified: boolean;
  /** Until when sensitive changes are allowed without a new code (null: no fresh code). */
  stepUpUntil: Date | null;
  stepUpFresh: boolean;
  expiresAt: Date;
  /** The identity provider it was signed in through; null for a password sign-in. */
  ssoProviderId: string | null;
  /** Signed in through an identity provider whose assertion of MFA the tenant trusted (set as mfaVerified). */
  mfaByProvider: boolean;
}

export interface NewWebSession {
  instructorId: string;
  idHash: string;
  /** The session proved the second factor (it also counts as a fresh code). */
  mfaVerified: boolean;
  /** The absolute end: a rotated session keeps its predecessor's; a new one ends `absoluteMs` from now. */
  expiresAt?: Date;
  absoluteMs: number;
  /** Signed in through this identity provider (null: password). */
  ssoProviderId?: string | null;
}

/** Server-side dashboard sessions. Every deadline is compared with Postgres' clock. */
@Injectable()
export class WebSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(scope: TenantScope, input: NewWebSession, tx?: Tx): Promise<string> {
    const id = randomUUID();
    await clientOf(this.prisma, tx).$executeRaw`
      INSERT INTO web_sessions (id, tenant_id, instructor_id, id_hash, mfa_verified_at, step_up_at, expires_at, sso_provider_id)
      VALUES (${id}::uuid, ${scope.tenantId}::uuid, ${input.instructorId}::uuid, ${input.idHash},
              CASE WHEN ${input.mfaVerified} THEN now() END, CASE WHEN ${input.mfaVerified} THEN now() END,
              COALESCE(${input.expiresAt ?? null}::timestamptz, now() + ${input.absoluteMs} * interval '1 millisecond'),
              ${input.ssoProviderId ?? null}::uuid)`;
    return id;
  }

  /**
   * The session a cookie opens, touched in the same statement (its idle clock restarts), before the tenant is
   * known: not revoked, not past its absolute end, used within `idleMs`, and its instructor not disabled.
   */
  async systemAuthenticate(idHash: string, idleMs: number, stepUpMs: number): Promise<LiveWebSession | null> {
    const rows = await this.prisma.$queryRaw<LiveWebSession[]>`
      UPDATE web_sessions AS s
         SET last_seen_at = now()
        FROM instructors AS i, tenants AS t
       WHERE s.id_hash = ${idHash}
         AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - ${idleMs} * interval '1 millisecond'
         AND i.tenant_id = s.tenant_id AND i.id = s.instructor_id AND i.disabled_at IS NULL
         AND t.id = s.tenant_id
      RETURNING s.id, s.tenant_id AS "tenantId", t.name AS "tenantName", t.mfa_required AS "tenantMfaRequired",
                s.instructor_id AS "instructorId", i.email, i.name, i.role::text AS role,
                EXISTS (SELECT 1 FROM instructor_credentials c
                         WHERE c.tenant_id = s.tenant_id AND c.instructor_id = s.instructor_id AND c.totp_confirmed_at IS NOT NULL) AS "mfaEnabled",
                s.mfa_verified_at IS NOT NULL AS "mfaVerified",
                s.step_up_at + ${stepUpMs} * interval '1 millisecond' AS "stepUpUntil",
                COALESCE(s.step_up_at + ${stepUpMs} * interval '1 millisecond' > now(), false) AS "stepUpFresh",
                s.expires_at AS "expiresAt", s.sso_provider_id AS "ssoProviderId",
                (s.sso_provider_id IS NOT NULL AND s.mfa_verified_at IS NOT NULL) AS "mfaByProvider"`;
    return rows[0] ?? null;
  }

  /** The second factor was proven just now (also a fresh code for step-up). */
  async markMfaVerified(scope: TenantScope, id: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).$executeRaw`
      UPDATE web_sessions SET mfa_verified_at = now(), step_up_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid AND revoked_at IS NULL`;
  }

  async markSteppedUp(scope: TenantScope, id: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).$executeRaw`
      UPDATE web_sessions SET step_up_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid AND revoked_at IS NULL`;
  }

  async revoke(scope: TenantScope, id: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).$executeRaw`
      UPDATE web_sessions SET revoked_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid AND revoked_at IS NULL`;
  }

  /** Ends every session of the instructor, but `exceptId` when given; answers how many ended. */
  async revokeAllOf(
    scope: TenantScope,
    instructorId: string,
    exceptId: string | null = null,
    tx?: Tx,
  ): Promise<number> {
    return clientOf(this.prisma, tx).$executeRaw`
      UPDATE web_sessions SET revoked_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND instructor_id = ${instructorId}::uuid AND revoked_at IS NULL
         AND (${exceptId}::uuid IS NULL OR id <> ${exceptId}::uuid)`;
  }

  /** Removes the instructor's sessions that can no longer work (revoked, or past their absolute end). */
  async pruneEndedOf(scope: TenantScope, instructorId: string, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).$executeRaw`
      DELETE FROM web_sessions
       WHERE tenant_id = ${scope.tenantId}::uuid AND instructor_id = ${instructorId}::uuid
         AND (revoked_at IS NOT NULL OR expires_at <= now())`;
  }
}
