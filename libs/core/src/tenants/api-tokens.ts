import type { TransactionClient } from '@labkeys/database';
import { generateToken, hashToken, tokenDisplayPrefix } from '@labkeys/secrets';

export interface IssuedApiToken {
  id: string;
  /** Shown once to the caller; only its SHA-256 is stored. */
  token: string;
  displayPrefix: string;
  expiresAt: Date | null;
}

export async function issueApiToken(
  tx: TransactionClient,
  tenantId: string,
  instructorId: string,
  name: string,
  expiresAt: Date | null = null,
): Promise<IssuedApiToken> {
  const token = generateToken('lk');
  const row = await tx.apiToken.create({
    data: { tenantId, instructorId, name, tokenHash: hashToken(token), displayPrefix: tokenDisplayPrefix(token), expiresAt },
  });
  return { id: row.id, token, displayPrefix: row.displayPrefix, expiresAt: row.expiresAt };
}
