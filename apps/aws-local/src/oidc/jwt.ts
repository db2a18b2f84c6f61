import { createPublicKey, verify } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

/** A token that is not a well-formed JWS compact serialisation of a JSON claims object. */
export class MalformedJwtError extends Error {}

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

export interface DecodedJwt {
  header: JwtHeader;
  claims: Record<string, unknown>;
  /** `base64url(header).base64url(payload)`, what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

// JWS algorithms STS accepts that node:crypto verifies directly; `none` and HMAC never qualify.
const ALGORITHMS: Record<string, { hash: string; kty: string; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  RS384: { hash: 'sha384', kty: 'RSA' },
  RS512: { hash: 'sha512', kty: 'RSA' },
  ES256: { hash: 'sha256', kty: 'EC', dsaEncoding: 'ieee-p1363' },
  ES384: { hash: 'sha384', kty: 'EC', dsaEncoding: 'ieee-p1363' },
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function jsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new MalformedJwtError(`The token ${what} is not base64url-encoded JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new MalformedJwtError(`The token ${what} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/** Splits and decodes a compact JWS without trusting any of it yet. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '' || !BASE64URL.test(p))) {
    throw new MalformedJwtError('The token is not a signed JWT (three base64url parts).');
  }
  const header = jsonPart(parts[0], 'header');
  const claims = jsonPart(parts[1], 'payload');
  if (typeof header.alg !== 'string') throw new MalformedJwtError('The token header has no alg.');
  if (header.kid !== undefined && typeof header.kid !== 'string')
    throw new MalformedJwtError('The token header kid is not a string.');
  return {
    header: { alg: header.alg, kid: header.kid, typ: header.typ as string | undefined },
    claims,
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2], 'base64url'),
  };
}

export function isSupportedAlgorithm(alg: string): boolean {
  return Object.prototype.hasOwnProperty.call(ALGORITHMS, alg);
}

/** The keys of a JWKS that could have signed this token: its kid (when it has one) and its algorithm's key type. */
export function candidateKeys(jwt: DecodedJwt, keys: JsonWebKey[]): JsonWebKey[] {
  const spec = ALGORITHMS[jwt.header.alg];
  if (!spec) return [];
  return keys.filter(
    (k) =>
      k.kty === spec.kty &&
      (k.use === undefined || k.use === 'sig') &&
      (k.alg === undefined || k.alg === jwt.header.alg) &&
      (jwt.header.kid === undefined || k.kid === jwt.header.kid),
  );
}

// Importing a JWK costs more than verifying with it; a cached JWKS hands out the same objects, so each is imported once.
const imported = new WeakMap<JsonWebKey, KeyObject | null>();

function publicKey(jwk: JsonWebKey): KeyObject | null {
  let key = imported.get(jwk);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: jwk, format: 'jwk' });
    } catch {
      key = null;
    }
    imported.set(jwk, key);
  }
  return key;
}

/** Verifies the token's signature with one public JWK; a key node cannot import never verifies. */
export function verifyJwtSignature(jwt: DecodedJwt, jwk: JsonWebKey): boolean {
  const spec = ALGORITHMS[jwt.header.alg];
  const key = publicKey(jwk);
  if (!spec || !key) return false;
  try {
    return verify(spec.hash, Buffer.from(jwt.signingInput), { key, dsaEncoding: spec.dsaEncoding }, jwt.signature);
  } catch {
    return false;
  }
}
