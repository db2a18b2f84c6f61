import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { InvitationRepository, type InstructorRole, type TenantScope, type Tx } from '@labkeys/database';
import { hashToken } from '@labkeys/secrets';

/** An invitation link lives this long. */
export const INVITATION_LIFETIME_MS = 7 * 86_400_000;

export interface IssuedInvitation {
  id: string;
  email: string;
  role: InstructorRole;
  expiresAt: Date;
  /** `${PUBLIC_URL}/invite#<token>`: shown once; only the token's SHA-256 is kept. The token is in the fragment, so it never reaches a server log. */
  invitationUrl: string;
}

/** The SHA-256 an invitation token is kept and looked up as. */
export const invitationTokenHash = (token: string) => hashToken(token);

/** Issues invitation links (the api's owners and the admin CLI's first owner); a new one replaces the email's open ones. */
@Injectable()
export class InvitationIssuer {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly config: AppConfig,
  ) {}

  async issue(
    scope: TenantScope,
    input: { email: string; role: InstructorRole; instructorId: string | null; invitedBy: string | null },
    tx?: Tx,
  ): Promise<IssuedInvitation> {
    await this.invitations.revokeOpenFor(scope, input.email, tx);
    const token = randomBytes(32).toString('base64url');
    const row = await this.invitations.create(
      scope,
      { ...input, tokenHash: invitationTokenHash(token), lifetimeMs: INVITATION_LIFETIME_MS },
      tx,
    );
    return {
      id: row.id,
      email: row.email,
      role: row.role,
      expiresAt: row.expiresAt,
      invitationUrl: `${this.config.publicUrl}/invite#${token}`,
    };
  }
}
