import { generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A public key as published in the JWKS. */
export interface PublicJwk extends JsonWebKey {
  kid: string;
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
}

export interface GeneratedKey {
  kid: string;
  publicJwk: PublicJwk;
  /** PKCS#8 PEM, sealed before it is stored. */
  privatePem: string;
}

/** A fresh 2048-bit RSA key pair for RS256 (the algorithm AWS documents as the safe choice). */
export function generateSigningKey(): GeneratedKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const { n, e } = publicKey.export({ format: 'jwk' });
  return {
    kid,
    publicJwk: { kty: 'RSA', n, e, kid, use: 'sig', alg: 'RS256' },
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

export interface LoadedKey {
  kid: string;
  publicJwk: PublicJwk;
  createdAt: Date;
  activatesAt: Date;
  retiredAt: Date | null;
  /** Opened lazily: only the signer needs it, the api's JWKS never does. */
  privateKey: () => KeyObject;
}
