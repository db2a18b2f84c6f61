import type { ApiTokenRepository, TenantScope, Tx } from '@labkeys/database';
import { generateToken, hashToken, tokenDisplayPrefix } from '@labkeys/secrets';

export interface IssuedApiToken {
  id: string;
  /** Shown once to the caller; only its SHA-256 is stored. */
  token: string;
  displayPrefix: string;
  expiresAt: Date | null;
}

export async function issueApiToken(
  tokens: ApiTokenRepository,
  scope: TenantScope,
  instructorId: string,
  name: string,
  expiresAt: Date | null = null,
  tx?: Tx,
): Promise<IssuedApiToken> {
  const token = generateToken('lk');
  const row = await tokens.create(
    scope,
    { instructorId, name, tokenHash: hashToken(token), displayPrefix: tokenDisplayPrefix(token), expiresAt },
    tx,
  );
  return { id: row.id, token, displayPrefix: row.displayPrefix, expiresAt: row.expiresAt };
}
