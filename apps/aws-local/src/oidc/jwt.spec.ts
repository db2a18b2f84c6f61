import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { candidateKeys, decodeJwt, MalformedJwtError, verifyJwtSignature } from './jwt';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function rsa(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

function token(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: KeyObject,
  hash = 'sha256',
  dsa?: 'ieee-p1363',
): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(hash, Buffer.from(input), { key, dsaEncoding: dsa }).toString('base64url')}`;
}

describe('JWT decoding and signature checks', () => {
  const a = rsa('a');
  const b = rsa('b');

  it('decodes header and claims and verifies an RS256 signature with the matching JWK only', () => {
    const jwt = decodeJwt(token({ alg: 'RS256', kid: 'a' }, { sub: 'x' }, a.privateKey));
    expect(jwt.header).toMatchObject({ alg: 'RS256', kid: 'a' });
    expect(jwt.claims).toEqual({ sub: 'x' });
    expect(verifyJwtSignature(jwt, a.jwk)).toBe(true);
    expect(verifyJwtSignature(jwt, b.jwk)).toBe(false);
  });

  it('fails a token whose payload was changed after signing', () => {
    const [h, , s] = token({ alg: 'RS256', kid: 'a' }, { sub: 'x' }, a.privateKey).split('.');
    expect(verifyJwtSignature(decodeJwt(`${h}.${b64({ sub: 'admin' })}.${s}`), a.jwk)).toBe(false);
  });

  it('verifies RS512 and ES256 (IEEE P1363 signatures) too, and never alg none or HS256', () => {
    expect(verifyJwtSignature(decodeJwt(token({ alg: 'RS512' }, {}, a.privateKey, 'sha512')), a.jwk)).toBe(true);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecJwk = ec.publicKey.export({ format: 'jwk' });
    expect(
      verifyJwtSignature(decodeJwt(token({ alg: 'ES256' }, {}, ec.privateKey, 'sha256', 'ieee-p1363')), ecJwk),
    ).toBe(true);
    const none = decodeJwt(`${b64({ alg: 'none' })}.${b64({})}.AAAA`);
    expect(verifyJwtSignature(none, a.jwk)).toBe(false);
    expect(candidateKeys(none, [a.jwk])).toEqual([]);
    expect(
      candidateKeys(decodeJwt(`${b64({ alg: 'HS256' })}.${b64({})}.AAAA`), [{ kty: 'oct', k: 'c2VjcmV0' }]),
    ).toEqual([]);
  });

  it('picks candidate keys by kid and key type, or every signing key of the type without a kid', () => {
    const keys = [a.jwk, b.jwk, { ...rsa('c').jwk, use: 'enc' }, { kty: 'EC', kid: 'a' }];
    expect(candidateKeys(decodeJwt(token({ alg: 'RS256', kid: 'b' }, {}, b.privateKey)), keys)).toEqual([b.jwk]);
    expect(candidateKeys(decodeJwt(token({ alg: 'RS256' }, {}, b.privateKey)), keys)).toEqual([a.jwk, b.jwk]);
    expect(candidateKeys(decodeJwt(token({ alg: 'RS256', kid: 'z' }, {}, b.privateKey)), keys)).toEqual([]);
  });

  it.each([
    ['two parts', 'abc.def'],
    ['an empty signature', `${b64({ alg: 'RS256' })}.${b64({})}.`],
    ['a non-base64url part', `${b64({ alg: 'RS256' })}.${b64({})}.a+b/`],
    ['a payload that is not JSON', `${b64({ alg: 'RS256' })}.${Buffer.from('nope').toString('base64url')}.AAAA`],
    ['a JSON array payload', `${b64({ alg: 'RS256' })}.${b64([1])}.AAAA`],
    ['a header without alg', `${b64({ kid: 'a' })}.${b64({})}.AAAA`],
  ])('refuses %s as malformed', (_, raw) => {
    expect(() => decodeJwt(raw)).toThrow(MalformedJwtError);
  });
});
