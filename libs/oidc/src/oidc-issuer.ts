import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { STS_AUDIENCE, type WebIdentityTokenRequest, type WebIdentityTokenSource } from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import { OidcKeyRepository, UnitOfWork } from '@labkeys/database';
import { keyRingOf, SealedSecretError, SecretSealer } from '@labkeys/secrets';
import { signRs256 } from './jwt';
import { OidcKeyStore } from './oidc-key.store';
import { SigningKeyUnreadableError } from './signing-key-unreadable.error';
import type { LoadedKey, PublicJwk } from './signing-key';

interface Snapshot {
  keys: LoadedKey[];
  /** Postgres' clock minus this process' clock when the keys were read: key times are Postgres' times. */
  offsetMs: number;
  loadedAt: number;
}

/** How long a process trusts the keys it read; always below the publish lead, so no activation is missed. */
const MAX_REFRESH_MS = 30_000;

/**
 * LabKeys as an OpenID Connect issuer (`PUBLIC_URL/oidc`): the discovery document and JWKS the api serves,
 * and the identity tokens the worker and the api sign for AssumeRoleWithWebIdentity. A key is in the JWKS from
 * its creation until every token it signed has expired (its retirement + token lifetime + clock margin), and
 * signs only from its activation, which rotation puts a publish lead after its creation.
 */
@Injectable()
export class OidcIssuer implements WebIdentityTokenSource {
  readonly store: OidcKeyStore;
  private snapshot: Promise<Snapshot> | null = null;
  private readonly refreshMs: number;

  constructor(
    uow: UnitOfWork,
    keys: OidcKeyRepository,
    private readonly config: AppConfig,
  ) {
    const ring = keyRingOf(config.masterKey, config.localKeyFile);
    this.store = new OidcKeyStore(uow, keys, new SecretSealer(ring));
    this.refreshMs = Math.min(MAX_REFRESH_MS, Math.floor(config.oidcKeyPublishLeadMs / 2));
  }

  get issuerUrl(): string {
    return this.config.oidcIssuerUrl;
  }

  /** A key stays published this long after it stopped signing. */
  get retainMs(): number {
    return this.config.oidcTokenLifetimeSeconds * 1000 + this.config.revocationClockMarginMs;
  }

  /** Seconds a verifier may cache the JWKS: short enough to see a rotated-in key before it signs. */
  get jwksMaxAgeSeconds(): number {
    return Math.max(1, Math.min(300, Math.floor(this.config.oidcKeyPublishLeadMs / 2000)));
  }

  discovery() {
    return {
      issuer: this.issuerUrl,
      jwks_uri: `${this.issuerUrl}/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: [
        'iss',
        'sub',
        'aud',
        'exp',
        'iat',
        'nbf',
        'jti',
        'https://aws.amazon.com/tags',
        'https://aws.amazon.com/source_identity',
      ],
    };
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const { keys, now } = await this.current();
    const published = keys.filter(
      (k) => k.createdAt.getTime() <= now && (k.retiredAt === null || k.retiredAt.getTime() + this.retainMs > now),
    );
    return { keys: published.map((k) => k.publicJwk) };
  }

  /** One token for one AssumeRoleWithWebIdentity call: short-lived, unique (`jti`), tenant-scoped subject. */
  async token(request: WebIdentityTokenRequest): Promise<string> {
    let { keys, now } = await this.current();
    let key = signingKey(keys, now);
    if (!key) {
      // A new deployment: the first key is created by whoever needs it first.
      await this.store.ensureKey();
      this.snapshot = null;
      ({ keys, now } = await this.current());
      key = signingKey(keys, now);
      if (!key) throw new Error('No OIDC signing key is active');
    }
    const iat = Math.floor(now / 1000);
    const tags = request.tags ?? [];
    const claims = {
      iss: this.issuerUrl,
      sub: request.subject,
      aud: STS_AUDIENCE,
      iat,
      nbf: iat,
      exp: iat + this.config.oidcTokenLifetimeSeconds,
      jti: randomUUID(),
      ...(tags.length > 0 && {
        'https://aws.amazon.com/tags': {
          principal_tags: Object.fromEntries(
            tags.map((t): [string, (string | undefined)[]] => [String(t.Key), [t.Value]]),
          ),
          transitive_tag_keys: request.transitiveTagKeys ?? [],
        },
      }),
      ...(request.sourceIdentity !== undefined && { 'https://aws.amazon.com/source_identity': request.sourceIdentity }),
    };
    return signRs256(claims, openPrivateKey(key), key.kid);
  }

  /** The keys and "now" on Postgres' clock; re-read every `refreshMs`, one read shared by concurrent callers. */
  private async current(): Promise<{ keys: LoadedKey[]; now: number }> {
    let snapshot = this.snapshot;
    if (snapshot) {
      const s = await snapshot.catch(() => null);
      if (!s || Date.now() - s.loadedAt >= this.refreshMs) snapshot = null;
    }
    if (!snapshot) {
      const loading = this.store
        .load(this.retainMs)
        .then(({ now, keys }) => ({ keys, offsetMs: now.getTime() - Date.now(), loadedAt: Date.now() }));
      this.snapshot = snapshot = loading;
      loading.catch(() => {
        if (this.snapshot === loading) this.snapshot = null;
      });
    }
    const s = await snapshot;
    return { keys: s.keys, now: Date.now() + s.offsetMs };
  }
}

/** The newest key that has activated and not yet retired. */
function signingKey(keys: LoadedKey[], now: number): LoadedKey | undefined {
  return keys
    .filter((k) => k.activatesAt.getTime() <= now && (k.retiredAt === null || k.retiredAt.getTime() > now))
    .at(-1);
}

/** The key's private part; one the key ring cannot open is named as a signing key the operator must mend. */
function openPrivateKey(key: LoadedKey): ReturnType<LoadedKey['privateKey']> {
  try {
    return key.privateKey();
  } catch (error) {
    throw error instanceof SealedSecretError ? new SigningKeyUnreadableError(key.kid, error) : error;
  }
}
