import { Injectable } from '@nestjs/common';
import type { InstructorCredential } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

/** An instructor of some tenant with this email and a password, as sign-in sees it before the tenant is known. */
export interface SignInCandidate {
  tenantId: string;
  tenantName: string;
  instructorId: string;
  passwordHash: string;
  disabled: boolean;
  /** The tenant lets instructors sign in with a password (else only through its identity providers). */
  passwordSignIn: boolean;
}

/** Passwords, the TOTP factor and recovery codes of instructors (one aggregate per instructor). */
@Injectable()
export class InstructorCredentialRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Instructors with a password and this email, in every tenant (at most `limit`, oldest first). */
  async systemSignInCandidates(email: string, limit: number): Promise<SignInCandidate[]> {
    return this.prisma.$queryRaw<SignInCandidate[]>`
      SELECT i.tenant_id AS "tenantId", t.name AS "tenantName", i.id AS "instructorId", c.password_hash AS "passwordHash",
             i.disabled_at IS NOT NULL AS disabled, t.password_sign_in AS "passwordSignIn"
        FROM instructors i
        JOIN instructor_credentials c ON c.tenant_id = i.tenant_id AND c.instructor_id = i.id
        JOIN tenants t ON t.id = i.tenant_id
       WHERE i.email = ${email}
       ORDER BY i.created_at, i.id
       LIMIT ${limit}`;
  }

  find(scope: TenantScope, instructorId: string, tx?: Tx): Promise<InstructorCredential | null> {
    return clientOf(this.prisma, tx).instructorCredential.findUnique({
      where: { tenantId_instructorId: { tenantId: scope.tenantId, instructorId } },
    });
  }

  /** Sets (or first creates) the instructor's password hash. */
  async setPassword(scope: TenantScope, instructorId: string, passwordHash: string, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).instructorCredential.upsert({
      where: { tenantId_instructorId: { tenantId: scope.tenantId, instructorId } },
      create: { tenantId: scope.tenantId, instructorId, passwordHash },
      update: { passwordHash, passwordChangedAt: new Date() },
    });
  }

  /** Keeps a new, unconfirmed TOTP secret; refused (false) while a confirmed one exists. */
  async startTotpEnrolment(
    scope: TenantScope,
    instructorId: string,
    sealed: Buffer,
    sealKeyId: string,
  ): Promise<boolean> {
    const { count } = await this.prisma.instructorCredential.updateMany({
      where: { tenantId: scope.tenantId, instructorId, totpConfirmedAt: null },
      data: { totpSealed: new Uint8Array(sealed), totpSealKeyId: sealKeyId, totpLastStep: null },
    });
    return count === 1;
  }

  /** Confirms the pending secret with the time step of its first code; false when there was nothing to confirm. */
  async confirmTotp(scope: TenantScope, instructorId: string, step: number, tx?: Tx): Promise<boolean> {
    const count = await clientOf(this.prisma, tx).$executeRaw`
      UPDATE instructor_credentials SET totp_confirmed_at = now(), totp_last_step = ${BigInt(step)}, updated_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND instructor_id = ${instructorId}::uuid
         AND totp_confirmed_at IS NULL AND totp_sealed IS NOT NULL`;
    return count === 1;
  }

  /** Records a code's time step as used, only when it is later than every step used before (a replay is refused). */
  async acceptTotpStep(scope: TenantScope, instructorId: string, step: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE instructor_credentials SET totp_last_step = ${BigInt(step)}, updated_at = now()
       WHERE tenant_id = ${scope.tenantId}::uuid AND instructor_id = ${instructorId}::uuid
         AND totp_confirmed_at IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ${BigInt(step)})`;
    return count === 1;
  }

  /** Removes the TOTP factor and its recovery codes. */
  async clearTotp(scope: TenantScope, instructorId: string, tx?: Tx): Promise<void> {
    const client = clientOf(this.prisma, tx);
    await client.instructorCredential.updateMany({
      where: { tenantId: scope.tenantId, instructorId },
      data: { totpSealed: null, totpSealKeyId: null, totpConfirmedAt: null, totpLastStep: null },
    });
    await client.recoveryCode.deleteMany({ where: { tenantId: scope.tenantId, instructorId } });
  }

  async replaceRecoveryCodes(scope: TenantScope, instructorId: string, codeHashes: string[], tx?: Tx): Promise<void> {
    const client = clientOf(this.prisma, tx);
    await client.recoveryCode.deleteMany({ where: { tenantId: scope.tenantId, instructorId } });
    await client.recoveryCode.createMany({
      data: codeHashes.map((codeHash) => ({ tenantId: scope.tenantId, instructorId, codeHash })),
    });
  }

  /** Marks an unused recovery code used; false when there is no such unused code. */
  async useRecoveryCode(scope: TenantScope, instructorId: string, codeHash: string): Promise<boolean> {
    const { count } = await this.prisma.recoveryCode.updateMany({
      where: { tenantId: scope.tenantId, instructorId, codeHash, usedAt: null },
      data: { usedAt: new Date() },
    });
    return count === 1;
  }
}
