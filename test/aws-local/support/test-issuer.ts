import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: JsonWebKey;
}

export type Claims = Record<string, unknown>;

function newKey(kid = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RS256 JWT signed with node:crypto; `kid` is left out when null. */
export function signJwt(claims: Claims, privateKey: KeyObject, kid: string | null): string {
  const header = kid === null ? { alg: 'RS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid };
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/**
 * A tiny OpenID Connect issuer for tests: discovery and a JWKS over node:http on 127.0.0.1, RSA keys
 * from node:crypto. It counts JWKS fetches, can rotate in keys it does not publish yet, and can stop.
 */
export class TestIssuer {
  /** Keys published in the JWKS. */
  private published: SigningKey[] = [];
  /** The key tokens are signed with (published or not). */
  private current: SigningKey;
  jwksFetches = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    this.current = newKey();
    this.published = [this.current];
  }

  static async start(path = '/oidc'): Promise<TestIssuer> {
    // Assigned once listening; a request before that sees no issuer rather than a TDZ error.
    // eslint-disable-next-line prefer-const
    let issuer: TestIssuer | undefined;
    const server = createServer((req, res) => {
      const base = new URL(issuer?.url ?? 'http://x').pathname.replace(/\/$/, '');
      if (req.url === `${base}/.well-known/openid-configuration`) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            issuer: issuer?.url,
            jwks_uri: `${issuer?.url}/jwks`,
            id_token_signing_alg_values_supported: ['RS256'],
          }),
        );
      } else if (req.url === `${base}/jwks`) {
        if (issuer) issuer.jwksFetches++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: issuer?.published.map((k) => k.jwk) ?? [] }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    issuer = new TestIssuer(server, `http://127.0.0.1:${port}${path}`);
    return issuer;
  }

  /** `host:port/path`: the provider's name in ARNs and trust-policy condition keys. */
  get key(): string {
    return this.url.replace(/^https?:\/\//, '');
  }

  providerArn(account: string): string {
    return `arn:aws:iam::${account}:oidc-provider/${this.key}`;
  }

  /** A token with sensible defaults (iss, aud sts.amazonaws.com, five minutes' lifetime, jti); `overrides` win. */
  token(overrides: Claims = {}, opts: { kid?: string | null; key?: KeyObject; nowSeconds?: number } = {}): string {
    const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
    const claims: Claims = {
      iss: this.url,
      aud: 'sts.amazonaws.com',
      sub: 'student',
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: randomUUID(),
      ...overrides,
    };
    const kid = opts.kid === undefined ? this.current.kid : opts.kid;
    return signJwt(claims, opts.key ?? this.current.privateKey, kid);
  }

  /** Signs with a new key from now on without publishing it: verifiers see an unknown kid until publish(). */
  rotateUnpublished(): void {
    this.current = newKey();
  }

  /** Publishes the signing key in the JWKS (old keys stay until dropped). */
  publish(): void {
    if (!this.published.includes(this.current)) this.published.push(this.current);
  }

  /** A key pair the issuer never publishes: tokens signed with it must fail verification. */
  static foreignKey(): KeyObject {
    return newKey().privateKey;
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((e) => (e ? reject(e) : resolve()));
      this.server.closeAllConnections();
    });
  }
}
