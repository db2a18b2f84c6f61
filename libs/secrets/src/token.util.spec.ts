import type { TokenPrefix } from './token.util';
import { constantTimeEqual, generateToken, hashToken, looksLikeToken, tokenDisplayPrefix } from './token.util';

describe('tokens', () => {
  it.each(['lk', 'lks'] as const)('generates %s tokens carrying 32 random bytes in base64url', (prefix) => {
    const token = generateToken(prefix);
    expect(token).toMatch(new RegExp(`^${prefix}_[A-Za-z0-9_-]{43}$`));
    expect(Buffer.from(token.slice(prefix.length + 1), 'base64url')).toHaveLength(32);
    expect(looksLikeToken(token, prefix)).toBe(true);
  });

  it('does not repeat tokens', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => generateToken('lk')));
    expect(tokens.size).toBe(500);
  });

  it('hashes to 64 hex characters deterministically, differently per token', () => {
    const token = generateToken('lks');
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(generateToken('lks')));
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('shows only a short prefix', () => {
    const token = generateToken('lk');
    expect(tokenDisplayPrefix(token)).toBe(token.slice(0, 10));
    expect(token.startsWith(tokenDisplayPrefix(token))).toBe(true);
  });

  it.each<[string, () => string, TokenPrefix]>([
    ['wrong prefix', () => generateToken('lks'), 'lk'],
    ['other wrong prefix', () => generateToken('lk'), 'lks'],
    ['truncated', () => generateToken('lk').slice(0, -1), 'lk'],
    ['extended', () => `${generateToken('lk')}A`, 'lk'],
    ['bad characters', () => `lk_${'+'.repeat(43)}`, 'lk'],
    ['empty', () => '', 'lk'],
    ['not a string', () => 42 as unknown as string, 'lk'],
  ])('rejects a malformed token: %s', (_case, make, prefix) => {
    expect(looksLikeToken(make(), prefix)).toBe(false);
  });

  it('compares in constant time without leaking length', () => {
    const token = generateToken('lk');
    expect(constantTimeEqual(token, `${token}`)).toBe(true);
    expect(constantTimeEqual(token, generateToken('lk'))).toBe(false);
    expect(constantTimeEqual(token, token.slice(0, 5))).toBe(false);
  });
});
