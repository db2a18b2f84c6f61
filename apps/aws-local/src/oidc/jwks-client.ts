import type { JsonWebKey } from 'node:crypto';
import type { Clock } from '../clock';
import { isFetchableUrl } from './issuer-url';

/** Discovery or the JWKS could not be fetched or read: STS answers IDPCommunicationError, which callers retry. */
export class IdpUnreachableError extends Error {}

export type FetchJson = (url: string) => Promise<unknown>;

interface CachedKeys {
  keys: JsonWebKey[];
  fetchedAtMs: number;
}

// STS caches an issuer's keys; aws-local keeps them this long unless a token names a kid it has not seen.
const KEYS_TTL_MS = 60 * 60 * 1000;
const FETCH_TIMEOUT_MS = 5000;
const MAX_DOCUMENT_BYTES = 512 * 1024;

/** GET a JSON document: 200 only, no redirects, bounded in size and time. */
export const fetchJson: FetchJson = async (url) => {
  let res: Response;
  try {
    res = await fetch(url, {
      redirect: 'error',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: 'application/json' },
    });
  } catch (e) {
    throw new IdpUnreachableError(`${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (res.status !== 200) throw new IdpUnreachableError(`${url}: HTTP ${res.status}`);
  const text = await res.text().catch((e: unknown) => {
    throw new IdpUnreachableError(`${url}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (Buffer.byteLength(text) > MAX_DOCUMENT_BYTES) throw new IdpUnreachableError(`${url}: document too large`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IdpUnreachableError(`${url}: not JSON`);
  }
};

/**
 * An issuer's signing keys, found as STS finds them: `<iss>/.well-known/openid-configuration` names
 * the `jwks_uri`, which is fetched and cached. A token whose kid is not among the cached keys causes one
 * refetch, so a key the issuer has just rotated in is accepted without waiting for the cache to age out.
 */
export class JwksClient {
  private readonly cache = new Map<string, CachedKeys>();
  private readonly inFlight = new Map<string, Promise<CachedKeys>>();

  constructor(
    private readonly clock: Clock,
    private readonly get: FetchJson = fetchJson,
  ) {}

  /** Keys of the issuer; `kid` undefined means any key will do. Throws IdpUnreachableError. */
  async keys(issuer: string, kid: string | undefined): Promise<JsonWebKey[]> {
    const cached = this.cache.get(issuer);
    const fresh = cached !== undefined && this.clock.nowMs() - cached.fetchedAtMs < KEYS_TTL_MS;
    if (fresh && (kid === undefined || cached.keys.some((k) => k.kid === kid))) return cached.keys;
    return (await this.refresh(issuer)).keys;
  }

  /** Concurrent requests for one issuer share a single fetch. */
  private refresh(issuer: string): Promise<CachedKeys> {
    let pending = this.inFlight.get(issuer);
    if (!pending) {
      pending = this.load(issuer).finally(() => this.inFlight.delete(issuer));
      this.inFlight.set(issuer, pending);
    }
    return pending;
  }

  private async load(issuer: string): Promise<CachedKeys> {
    const discovery = await this.get(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    const jwksUri = (discovery as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof jwksUri !== 'string' || !isFetchableUrl(jwksUri)) {
      throw new IdpUnreachableError(`${issuer}: discovery has no usable jwks_uri`);
    }
    const jwks = (await this.get(jwksUri)) as { keys?: unknown } | null;
    if (!Array.isArray(jwks?.keys)) throw new IdpUnreachableError(`${jwksUri}: no keys array`);
    const keys = jwks.keys.filter(
      (k): k is JsonWebKey => typeof k === 'object' && k !== null && typeof (k as JsonWebKey).kty === 'string',
    );
    const entry = { keys, fetchedAtMs: this.clock.nowMs() };
    this.cache.set(issuer, entry);
    return entry;
  }
}
