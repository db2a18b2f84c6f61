import { createHash, randomBytes } from 'node:crypto';

// AWS unique ids and access keys use the RFC 4648 base32 alphabet after a 4-letter prefix.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// One randomBytes call per many ids: issuing credentials needs ~330 random bytes and the per-call
// overhead of randomBytes dominated AssumeRole's cost.
const POOL_SIZE = 64 * 1024;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function random(n: number): Buffer {
  if (offset + n > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}

function encode(bytes: Uint8Array, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** Random id such as `ASIA` + 16 chars (access keys) or `AROA` + 17 chars (role ids). */
export function randomId(prefix: string, length: number): string {
  return prefix + encode(random(length), BASE32, length);
}

/** Id derived from a name, so roles declared in a state file keep their id across restarts. */
export function stableId(prefix: string, length: number, seed: string): string {
  return prefix + encode(createHash('sha256').update(seed).digest(), BASE32, length);
}

export function randomSecret(): string {
  return encode(random(40), SECRET_CHARS, 40);
}

/** Session tokens are opaque and of no fixed size; this resembles AWS's base64 tokens. */
export function randomSessionToken(): string {
  return 'IQoJb3JpZ2luX2VjE' + random(240).toString('base64');
}

export function requestId(): string {
  const h = random(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
