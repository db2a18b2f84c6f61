import type { SealedSecretError } from '@labkeys/secrets';

/**
 * A signing key in Postgres that this process' key ring cannot open: the key ring entry that sealed it is gone
 * (a changed `LABKEYS_MASTER_KEY`, or another deployment's database). The message names the kid, the key ring
 * entry and the remedy, never key material, so it is safe to log.
 */
export class SigningKeyUnreadableError extends Error {
  override readonly name = 'SigningKeyUnreadableError';

  constructor(
    readonly kid: string,
    cause: SealedSecretError,
  ) {
    super(
      `OIDC signing key "${kid}" cannot be opened with this key ring (${cause.message}). Put key ring entry ` +
        `"${cause.keyId}" back, or publish a new signing key with \`npm run admin -- oidc rotate\` ` +
        '(it signs once its publish lead has passed).',
      { cause },
    );
  }
}
