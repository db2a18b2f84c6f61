import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SsoPurpose } from '../generated/prisma/enums';
import { PrismaService } from '../prisma.service';
import type { TenantScope } from '../tenant-scope';
import { clientOf, type Tx } from '../unit-of-work';

export interface NewSsoAttempt {
  providerId: string;
  stateHash: string;
  browserHash: string;
  nonce: string;
  codeVerifier: string;
  purpose: SsoPurpose;
  returnTo: string | null;
  loopbackPort: number | null;
  cliChallenge: string | null;
  lifetimeMs: number;
}

/** An attempt taken for its callback (once): what the callback needs to finish it. */
export interface ClaimedSsoAttempt {
  id: string;
  tenantId: string;
  providerId: string;
  browserHash: string;
  nonce: string;
  codeVerifier: string;
  purpose: SsoPurpose;
  returnTo: string | null;
  loopbackPort: number | null;
}

/** A CLI sign-in whose one-time code was exchanged (once). */
export interface ExchangedCliAttempt {
  id: string;
  tenantId: string;
  providerId: string;
  studentId: string;
  cliChallenge: string;
}

/** Sign-ins through an identity provider under way. Single use and deadlines are decided in SQL, on Postgres' clock. */
@Injectable()
export class SsoAttemptRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(scope: TenantScope, input: NewSsoAttempt, tx?: Tx): Promise<string> {
    const id = randomUUID();
    await clientOf(this.prisma, tx).$executeRaw`
      INSERT INTO sso_attempts (id, tenant_id, provider_id, state_hash, browser_hash, nonce, code_verifier, purpose,
                                return_to, loopback_port, cli_challenge, expires_at)
      VALUES (${id}::uuid, ${scope.tenantId}::uuid, ${input.providerId}::uuid, ${input.stateHash}, ${input.browserHash},
              ${input.nonce}, ${input.codeVerifier}, ${input.purpose}::"SsoPurpose", ${input.returnTo},
              ${input.loopbackPort}::int, ${input.cliChallenge}, now() + ${input.lifetimeMs} * interval '1 millisecond')`;
    return id;
  }

  /**
   * Takes the attempt a callback's `state` names, before the tenant is known: once only, and only before its
   * end. A second callback with the same state (a replay) finds nothing.
   */
  async systemClaim(stateHash: string): Promise<ClaimedSsoAttempt | null> {
    const rows = await this.prisma.$queryRaw<ClaimedSsoAttempt[]>`
      UPDATE sso_attempts SET consumed_at = now()
       WHERE state_hash = ${stateHash} AND consumed_at IS NULL AND expires_at > now()
      RETURNING id, tenant_id AS "tenantId", provider_id AS "providerId", browser_hash AS "browserHash", nonce,
                code_verifier AS "codeVerifier", purpose::text AS purpose, return_to AS "returnTo",
                loopback_port AS "loopbackPort"`;
    return rows[0] ?? null;
  }

  /** A CLI sign-in succeeded: leaves the one-time code (its hash) for the loopback, and forgets the PKCE verifier. */
  async completeForCli(
    scope: TenantScope,
    id: string,
    input: { cliCodeHash: string; studentId: string; lifetimeMs: number },
    tx?: Tx,
  ): Promise<void> {
    await clientOf(this.prisma, tx).$executeRaw`
      UPDATE sso_attempts
         SET cli_code_hash = ${input.cliCodeHash}, student_id = ${input.studentId}::uuid, code_verifier = '',
             expires_at = LEAST(expires_at, now() + ${input.lifetimeMs} * interval '1 millisecond')
       WHERE tenant_id = ${scope.tenantId}::uuid AND id = ${id}::uuid`;
  }

  /** Takes a CLI's one-time code, before the tenant is known: once only, before its end. */
  async systemExchangeCliCode(cliCodeHash: string): Promise<ExchangedCliAttempt | null> {
    const rows = await this.prisma.$queryRaw<ExchangedCliAttempt[]>`
      UPDATE sso_attempts SET cli_exchanged_at = now()
       WHERE cli_code_hash = ${cliCodeHash} AND cli_exchanged_at IS NULL AND expires_at > now()
         AND purpose = 'STUDENT_CLI' AND student_id IS NOT NULL AND cli_challenge IS NOT NULL
      RETURNING id, tenant_id AS "tenantId", provider_id AS "providerId", student_id AS "studentId",
                cli_challenge AS "cliChallenge"`;
    return rows[0] ?? null;
  }

  /** Removes up to `limit` attempts past their end (finished or not, they have no use then), across tenants. */
  async systemPruneExpired(limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM sso_attempts
       WHERE id IN (SELECT id FROM sso_attempts WHERE expires_at <= now() ORDER BY expires_at LIMIT ${limit})`;
  }
}
