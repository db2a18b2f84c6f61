import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** A student page session that has not ended: what the guard needs to check its access token still works. */
export interface LiveStudentWebSession {
  id: string;
  tenantId: string;
  enrollmentId: string;
  /** SHA-256 of the access token it was exchanged for. */
  tokenHash: string;
}

export interface NewStudentWebSession {
  enrollmentId: string;
  idHash: string;
  tokenHash: string;
  /** How long it may be used at most; the access token's own validity is checked on every request. */
  lifetimeMs: number;
}

/** Server-side sessions of the student page (cookie `lks_session`). Deadlines are compared with Postgres' clock. */
@Injectable()
export class StudentWebSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(scope: TenantScope, input: NewStudentWebSession, tx?: Tx): Promise<string> {
    const id = randomUUID();
    await clientOf(this.prisma, tx).$executeRaw`
      INSERT INTO student_web_sessions (id, tenant_id, enrollment_id, id_hash, token_hash, expires_at)
      VALUES (${id}::uuid, ${scope.tenantId}::uuid, ${input.enrollmentId}::uuid, ${input.idHash}, ${input.tokenHash},
              now() + ${input.lifetimeMs} * interval '1 millisecond')`;
    return id;
  }

  /** The session a cookie opens, before the tenant is known (touched in the same statement): not ended, not past its end. */
  async systemAuthenticate(idHash: string): Promise<LiveStudentWebSession | null> {
    const rows = await this.prisma.$queryRaw<LiveStudentWebSession[]>`
      UPDATE student_web_sessions SET last_seen_at = now()
       WHERE id_hash = ${idHash} AND revoked_at IS NULL AND expires_at > now()
      RETURNING id, tenant_id AS "tenantId", enrollment_id AS "enrollmentId", token_hash AS "tokenHash"`;
    return rows[0] ?? null;
  }

  async revoke(scope: TenantScope, id: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).$executeRaw`
      UPDATE student_web_sessions SET revoked_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid AND revoked_at IS NULL`;
  }

  /** Removes the enrollment's sessions that can no longer work: ended, past their end, or of a token since replaced. */
  async pruneEndedOf(scope: TenantScope, enrollmentId: string, currentTokenHash: string, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).$executeRaw`
      DELETE FROM student_web_sessions
       WHERE tenant_id = ${scope.tenantId}::uuid AND enrollment_id = ${enrollmentId}::uuid
         AND (revoked_at IS NOT NULL OR expires_at <= now() OR token_hash <> ${currentTokenHash})`;
  }
}
