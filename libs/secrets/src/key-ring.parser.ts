import { KeyRingError } from './sealed-secret.error';

export const KEY_BYTES = 32;

/** Key ids are stored beside every ciphertext, so they stay short and free of the spec's separators. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface KeyRing {
  /** New secrets are sealed under this key; the others only open older rows until they are re-sealed. */
  readonly currentKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Parses `LABKEYS_MASTER_KEY`: `kid1:<base64 32 bytes>,kid2:<base64>`, the first entry being current.
 * Errors identify entries by position and id because the rest of an entry may be key material.
 */
export function parseKeyRing(spec: string, source = 'LABKEYS_MASTER_KEY'): KeyRing {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (spec.trim() === '' || entries.every((entry) => entry === '')) {
    throw new KeyRingError(`${source} is empty: expected "<key id>:<base64 of ${KEY_BYTES} bytes>"`);
  }
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const position = `${source} entry ${index + 1}`;
    if (entry === '') throw new KeyRingError(`${position} is empty (stray comma?)`);
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new KeyRingError(`${position} has no key id: expected "<key id>:<base64>"`);
    const keyId = entry.slice(0, colon);
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw new KeyRingError(`${position} has an invalid key id: use 1-64 characters of A-Z a-z 0-9 . _ -`);
    }
    const encoded = entry.slice(colon + 1).trim();
    if (encoded === '') throw new KeyRingError(`${position} (key id "${keyId}") has no key after the colon`);
    if (!BASE64.test(encoded)) throw new KeyRingError(`${position} (key id "${keyId}") is not valid base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new KeyRingError(
        `${position} (key id "${keyId}") decodes to ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`,
      );
    }
    if (keys.has(keyId)) throw new KeyRingError(`${position} repeats key id "${keyId}"`);
    keys.set(keyId, key);
  });
  return { currentKeyId: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/** The inverse of parseKeyRing, current key first; used to write local key files. */
export function formatKeyRing(ring: KeyRing): string {
  const ids = [ring.currentKeyId, ...[...ring.keys.keys()].filter((id) => id !== ring.currentKeyId)];
  return ids.map((id) => `${id}:${ring.keys.get(id)!.toString('base64')}`).join(',');
}
