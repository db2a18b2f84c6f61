import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KEY_BYTES } from './key-ring.parser';
import type { KeyRing } from './key-ring.parser';
import { KeyRingError, SealedSecretError } from './sealed-secret.error';

export interface SealedSecret {
  /** Stored beside the ciphertext so rotation knows which key opens it. */
  keyId: string;
  sealed: Buffer;
}

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;

/**
 * AES-256-GCM under a key ring. Layout of `sealed` (format 1):
 *
 *   [0]        format version (0x01)
 *   [1..12]    random 96-bit IV, fresh per seal
 *   [13..n-17] ciphertext
 *   [n-16..]   128-bit GCM tag
 *
 * The authenticated data is the format version, the key id and the caller's `aad`. Callers pass the row's
 * identity (e.g. `tenantId:sessionId`) so a ciphertext copied into another row, or relabelled with another
 * key id, fails to open instead of yielding someone else's secret.
 */
export class SecretSealer {
  private readonly currentKeyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(ring: KeyRing) {
    if (!ring.keys.has(ring.currentKeyId)) {
      throw new KeyRingError(`Key ring has no key for its current key id "${ring.currentKeyId}"`);
    }
    for (const [keyId, key] of ring.keys) {
      if (key.length !== KEY_BYTES) {
        throw new KeyRingError(`Key "${keyId}" is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`);
      }
    }
    this.currentKeyId = ring.currentKeyId;
    this.keys = new Map([...ring.keys].map(([id, key]) => [id, Buffer.from(key)]));
  }

  seal(plaintext: string | Buffer, aad: string): SealedSecret {
    const keyId = this.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(FORMAT_V1, keyId, aad));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId, sealed: Buffer.concat([Buffer.of(FORMAT_V1), iv, body, cipher.getAuthTag()]) };
  }

  open(keyId: string, sealed: Buffer, aad: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new SealedSecretError('unknown-key', keyId, 'the key ring has no such key');
    if (sealed.length < HEADER_BYTES + TAG_BYTES) {
      throw new SealedSecretError('malformed', keyId, 'the sealed value is too short');
    }
    const version = sealed[0];
    if (version !== FORMAT_V1) {
      throw new SealedSecretError('unsupported-version', keyId, `unknown format version ${version}`);
    }
    const iv = sealed.subarray(1, HEADER_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const body = sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(version, keyId, aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      // Node's own message is generic, but it is replaced anyway so nothing from the crypto layer leaks.
      throw new SealedSecretError(
        'authentication-failed',
        keyId,
        'authentication failed (wrong key, wrong row or tampered data)',
      );
    }
  }

  /** True for rows sealed under an older key; they are re-sealed when next read, so rotation needs no batch job. */
  needsReseal(keyId: string): boolean {
    return keyId !== this.currentKeyId;
  }
}

function associatedData(version: number, keyId: string, aad: string): Buffer {
  // Length-prefixing the key id keeps ("a", "b:c") and ("a:b", "c") from producing the same bytes.
  const id = Buffer.from(keyId, 'utf8');
  return Buffer.concat([Buffer.of(version, id.length), id, Buffer.from(aad, 'utf8')]);
}
