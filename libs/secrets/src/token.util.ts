import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `lk` = instructor API token, `lks` = student access token, `lkc` = a student's CLI session from a school sign-in. */
export type TokenPrefix = 'lk' | 'lks' | 'lkc';

export const TOKEN_RANDOM_BYTES = 32;
const ENCODED_LENGTH = Math.ceil((TOKEN_RANDOM_BYTES * 4) / 3); // base64url without padding: 43
const DISPLAY_LENGTH = 10;

export function generateToken(prefix: TokenPrefix): string {
  return `${prefix}_${randomBytes(TOKEN_RANDOM_BYTES).toString('base64url')}`;
}

/** What the database stores and looks up; a leaked table cannot be replayed as bearer tokens. */
export function hashToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** Enough to tell tokens apart in a list, far too little to guess the rest. */
export function tokenDisplayPrefix(raw: string): string {
  return raw.slice(0, DISPLAY_LENGTH);
}

/** Rejects malformed bearer values before they cost a database lookup. */
export function looksLikeToken(raw: unknown, prefix: TokenPrefix): raw is string {
  return (
    typeof raw === 'string' &&
    raw.length === prefix.length + 1 + ENCODED_LENGTH &&
    raw.startsWith(`${prefix}_`) &&
    /^[A-Za-z0-9_-]+$/.test(raw.slice(prefix.length + 1))
  );
}

/** Compares digests, not the inputs, so neither the content nor the length of a secret shows in timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
