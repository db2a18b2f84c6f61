import { Clock } from '../clock';
import { IdpUnreachableError, JwksClient } from './jwks-client';
import type { FetchJson } from './jwks-client';

const ISSUER = 'https://issuer.example/oidc';

/** A fake issuer for the client alone: documents by URL, counting fetches. */
function fakeIssuer(jwks: { keys: unknown[] }) {
  const calls: string[] = [];
  const get: FetchJson = async (url) => {
    calls.push(url);
    if (url === `${ISSUER}/.well-known/openid-configuration`) return { issuer: ISSUER, jwks_uri: `${ISSUER}/keys` };
    if (url === `${ISSUER}/keys`) return jwks;
    throw new IdpUnreachableError(url);
  };
  return { get, calls };
}

describe('JwksClient', () => {
  let skew = 0;
  const clock = new Clock(() => skew);
  beforeEach(() => {
    skew = 0;
  });

  it('follows discovery to the jwks_uri and caches the keys', async () => {
    const jwks = { keys: [{ kty: 'RSA', kid: 'k1', n: 'x', e: 'AQAB' }] };
    const { get, calls } = fakeIssuer(jwks);
    const client = new JwksClient(clock, get);
    expect(await client.keys(ISSUER, 'k1')).toEqual(jwks.keys);
    expect(await client.keys(ISSUER, 'k1')).toEqual(jwks.keys);
    expect(await client.keys(ISSUER, undefined)).toEqual(jwks.keys);
    expect(calls).toEqual([`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/keys`]);
  });

  it('refetches when a token names a kid the cache does not hold, and when the cache has aged', async () => {
    const jwks = { keys: [{ kty: 'RSA', kid: 'k1' }] as unknown[] };
    const { get, calls } = fakeIssuer(jwks);
    const client = new JwksClient(clock, get);
    await client.keys(ISSUER, 'k1');
    jwks.keys = [...jwks.keys, { kty: 'RSA', kid: 'k2' }];
    expect((await client.keys(ISSUER, 'k2')).map((k) => k.kid)).toEqual(['k1', 'k2']);
    expect(calls).toHaveLength(4);
    skew = 2 * 3600_000;
    await client.keys(ISSUER, 'k1');
    expect(calls).toHaveLength(6);
  });

  it('shares one fetch between concurrent requests', async () => {
    const { get, calls } = fakeIssuer({ keys: [{ kty: 'RSA', kid: 'k1' }] });
    const client = new JwksClient(clock, get);
    await Promise.all([client.keys(ISSUER, 'k1'), client.keys(ISSUER, 'k1'), client.keys(ISSUER, 'k1')]);
    expect(calls).toHaveLength(2);
  });

  it('reports an unreachable issuer, a discovery without a usable jwks_uri, and a JWKS without keys as IdpUnreachableError', async () => {
    const down = new JwksClient(clock, async (url) => {
      throw new IdpUnreachableError(url);
    });
    await expect(down.keys(ISSUER, 'k1')).rejects.toThrow(IdpUnreachableError);
    const plainHttp = new JwksClient(clock, async () => ({ jwks_uri: 'http://issuer.example/keys' }));
    await expect(plainHttp.keys(ISSUER, 'k1')).rejects.toThrow('discovery has no usable jwks_uri');
    const noKeys = new JwksClient(clock, async (url) =>
      url.endsWith('openid-configuration') ? { jwks_uri: `${ISSUER}/keys` } : { nope: 1 },
    );
    await expect(noKeys.keys(ISSUER, 'k1')).rejects.toThrow('no keys array');
  });
});
