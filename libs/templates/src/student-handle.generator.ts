import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const HANDLE_CHARS = 10;
const SEED_BYTES = Math.ceil((HANDLE_CHARS * 5) / 8);

/**
 * `s-` + 10 base32 characters (50 random bits). Handles end up in session names, tags and CloudTrail, so they
 * come from random bytes and never from an email or name. `seed` supplies those bytes (tests, factories); a
 * collision within a tenant is left to the unique index, with the caller drawing again.
 */
export function makeStudentHandle(seed?: Uint8Array): string {
  if (seed !== undefined && seed.length < SEED_BYTES) {
    throw new RangeError(`Student handle seed needs at least ${SEED_BYTES} bytes`);
  }
  const bytes = seed ?? randomBytes(SEED_BYTES);
  let bits = 0n;
  for (const byte of bytes.subarray(0, SEED_BYTES)) bits = (bits << 8n) | BigInt(byte);
  let handle = '';
  for (let i = 0; i < HANDLE_CHARS; i++) {
    handle += ALPHABET[Number((bits >> BigInt(SEED_BYTES * 8 - 5 * (i + 1))) & 31n)];
  }
  return `s-${handle}`;
}
