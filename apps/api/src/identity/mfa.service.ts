import { ConflictException, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Secret } from 'otpauth';
import { TotpSecrets } from '@labkeys/core';
import {
  InstructorCredentialRepository,
  UnitOfWork,
  WebSessionRepository,
  type LiveWebSession,
} from '@labkeys/database';
import { ValidationProblemException } from '../common/problem';
import { AttemptLimiter, type AttemptBucket } from './attempt-limiter';
import { AuditService } from '../audit/audit.service';
import { newTotpSecret, otpauthUrlOf, totpStepOf } from './totp';
import { scopeOf, WebSessions, type CurrentSession } from './web-sessions.service';

const RECOVERY_CODES = 10;

export type MfaProof = { code: string; recoveryCode?: undefined } | { recoveryCode: string; code?: undefined };

/** A recovery code as typed: case, spaces and dashes do not matter. */
const recoveryCodeHash = (code: string) =>
  createHash('sha256')
    .update(code.toUpperCase().replace(/[^A-Z0-9]/g, ''), 'utf8')
    .digest('hex');

/** 80 random bits each, shown as four groups of four base32 characters. */
function newRecoveryCode(): string {
  return new Secret({ size: 10 }).base32.match(/.{4}/g)!.join('-');
}

/** TOTP enrolment, MFA at sign-in, step-up and recovery codes. Wrong codes count per instructor; a used time step never works again. */
@Injectable()
export class MfaService {
  constructor(
    private readonly credentials: InstructorCredentialRepository,
    private readonly webSessions: WebSessionRepository,
    private readonly secrets: TotpSecrets,
    private readonly limiter: AttemptLimiter,
    private readonly sessions: WebSessions,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  /** A new secret, shown once (the previous unconfirmed one stops counting). */
  async startEnrolment({ live }: CurrentSession): Promise<{ secret: string; otpauthUrl: string }> {
    const secret = newTotpSecret();
    const { sealed, keyId } = this.secrets.seal(live.tenantId, live.instructorId, secret.bytes);
    if (!(await this.credentials.startTotpEnrolment(scopeOf(live), live.instructorId, sealed, keyId))) {
      throw new ConflictException({
        detail: 'MFA is already on for this account; turn it off first to enrol another app.',
      });
    }
    return { secret: secret.base32, otpauthUrl: otpauthUrlOf(secret, live.email) };
  }

  /** The first code confirms the app; answers the recovery codes (shown once). The session counts as MFA-verified. */
  async confirmEnrolment({ live }: CurrentSession, code: string): Promise<{ recoveryCodes: string[] }> {
    const scope = scopeOf(live);
    const bucket = mfaBucket(live);
    await this.limiter.assertAllowed([bucket]);
    const credential = await this.credentials.find(scope, live.instructorId);
    if (!credential?.totpSealed || !credential.totpSealKeyId || credential.totpConfirmedAt) {
      throw new ConflictException({ detail: 'No MFA enrolment is waiting for a code; start one first.' });
    }
    const step = totpStepOf(
      this.secrets.open(live.tenantId, live.instructorId, credential.totpSealKeyId, credential.totpSealed),
      code,
    );
    if (step === null) return this.refuse(bucket, 'code', 'The code is not right; check the app and the device clock.');
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.uow.run(async (tx) => {
      if (!(await this.credentials.confirmTotp(scope, live.instructorId, step, tx)))
        throw new ConflictException({ detail: 'The enrolment was confirmed or replaced meanwhile.' });
      await this.credentials.replaceRecoveryCodes(scope, live.instructorId, recoveryCodes.map(recoveryCodeHash), tx);
      await this.webSessions.markMfaVerified(scope, live.id, tx);
      await this.audit.record(
        scope,
        { action: 'instructor.mfa-enabled', subjectType: 'instructor', subjectId: live.instructorId },
        tx,
      );
    });
    return { recoveryCodes };
  }

  /** The second factor at sign-in: the session is replaced by a new one (new id and CSRF token). */
  async verify(current: CurrentSession, proof: MfaProof): Promise<CurrentSession> {
    await this.prove(current.live, proof);
    const rotated = await this.sessions.rotate(current, { mfaVerified: true });
    await this.audit.record(scopeOf(rotated.live), {
      action: 'instructor.mfa-verified',
      subjectType: 'instructor',
      subjectId: rotated.live.instructorId,
      summary: { with: proof.code ? 'totp' : 'recovery-code' },
    });
    return rotated;
  }

  /** A fresh code allows sensitive changes for SESSION_STEP_UP_SECONDS. */
  async stepUp(current: CurrentSession, code: string): Promise<CurrentSession> {
    await this.prove(current.live, { code });
    await this.webSessions.markSteppedUp(scopeOf(current.live), current.live.id);
    return this.sessions.require(current.raw);
  }

  async disable({ live }: CurrentSession): Promise<void> {
    const scope = scopeOf(live);
    await this.uow.run(async (tx) => {
      await this.credentials.clearTotp(scope, live.instructorId, tx);
      await this.audit.record(
        scope,
        { action: 'instructor.mfa-disabled', subjectType: 'instructor', subjectId: live.instructorId },
        tx,
      );
    });
  }

  private async prove(live: LiveWebSession, proof: MfaProof): Promise<void> {
    if (!live.mfaEnabled)
      throw new ConflictException({
        detail: 'MFA is not on for this account; enrol an authenticator app first.',
        code: 'mfa_not_enrolled',
      });
    const scope = scopeOf(live);
    const bucket = mfaBucket(live);
    await this.limiter.assertAllowed([bucket]);
    if (proof.recoveryCode !== undefined) {
      if (!(await this.credentials.useRecoveryCode(scope, live.instructorId, recoveryCodeHash(proof.recoveryCode)))) {
        return this.refuse(bucket, 'recoveryCode', 'The recovery code is not right or was used already.');
      }
      return;
    }
    const credential = await this.credentials.find(scope, live.instructorId);
    const secret =
      credential?.totpSealed && credential.totpSealKeyId
        ? this.secrets.open(live.tenantId, live.instructorId, credential.totpSealKeyId, credential.totpSealed)
        : null;
    const step = secret ? totpStepOf(secret, proof.code) : null;
    if (step === null) return this.refuse(bucket, 'code', 'The code is not right; check the app and the device clock.');
    if (!(await this.credentials.acceptTotpStep(scope, live.instructorId, step)))
      return this.refuse(bucket, 'code', 'This code was used already; wait for the next one.');
  }

  private async refuse(bucket: AttemptBucket, field: string, message: string): Promise<never> {
    await this.limiter.recordFailure([bucket]);
    throw new ValidationProblemException([{ field, message }], message);
  }
}

const mfaBucket = (live: LiveWebSession): AttemptBucket => ({
  kind: 'mfa',
  tenantId: live.tenantId,
  instructorId: live.instructorId,
});
