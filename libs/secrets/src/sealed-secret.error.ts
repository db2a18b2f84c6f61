export type SealedSecretFailure = 'unknown-key' | 'malformed' | 'unsupported-version' | 'authentication-failed';

/**
 * Raised when a sealed secret cannot be opened. The message carries the key id and the kind of failure
 * only, so it is safe to log: never plaintext, ciphertext or key bytes.
 */
export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';

  constructor(
    readonly reason: SealedSecretFailure,
    readonly keyId: string,
    detail: string,
  ) {
    super(`Cannot open sealed secret (key "${keyId}"): ${detail}`);
  }
}

/** Raised for an unusable key ring; messages name the entry and the problem, never the key material. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}
