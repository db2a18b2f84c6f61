import { createSign, type KeyObject } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact RS256 JWS signed with node:crypto. jose 6 is ESM-only and Jest's CommonJS runtime (the api and
 * worker run in-process under ts-jest) cannot load it; RS256 is one PKCS#1 v1.5 signature over SHA-256.
 */
export function signRs256(claims: JwtClaims, privateKey: KeyObject, kid: string): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
  return `${input}.${signature.toString('base64url')}`;
}
