import type { Backend } from '../backend';
import { AwsError } from '../errors';
import { IdpUnreachableError } from '../oidc/jwks-client';
import { candidateKeys, decodeJwt, isSupportedAlgorithm, MalformedJwtError, verifyJwtSignature } from '../oidc/jwt';
import type { DecodedJwt } from '../oidc/jwt';
import { parseIssuerUrl } from '../oidc/issuer-url';
import type { OidcProvider } from '../world/iam-entities';
import { oidcProviderArn } from '../world/iam-world';
import { readSessionClaims } from './web-identity-claims';
import type { SessionClaims } from './web-identity-claims';

export interface VerifiedWebIdentity extends SessionClaims {
  provider: OidcProvider;
  issuer: string;
  subject: string;
  audience: string;
}

// ⚠ AWS documents no allowance; a minute absorbs ordinary clock drift between issuer and STS.
export const TOKEN_CLOCK_SKEW_SECONDS = 60;

export const invalidIdentityToken = (message: string): AwsError => new AwsError('InvalidIdentityToken', message, 400);
const idpCommunicationError = (): AwsError =>
  new AwsError(
    'IDPCommunicationError',
    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    400,
  );

/** The registered provider of the account whose URL is the token's `iss`. */
function providerFor(backend: Backend, account: string, iss: unknown): OidcProvider {
  const parsed = typeof iss === 'string' ? parseIssuerUrl(iss) : { error: 'no iss' };
  const provider = 'error' in parsed ? undefined : backend.world.getOidcProvider(oidcProviderArn(account, parsed.key));
  if (!provider || 'error' in parsed || provider.url !== parsed.url) {
    throw invalidIdentityToken(
      `No OpenIDConnect provider found in your account for ${typeof iss === 'string' ? iss : '(no iss claim)'}`,
    );
  }
  return provider;
}

async function verifySignature(backend: Backend, provider: OidcProvider, jwt: DecodedJwt): Promise<void> {
  let keys;
  try {
    keys = await backend.jwks.keys(provider.url, jwt.header.kid);
  } catch (e) {
    if (e instanceof IdpUnreachableError) throw idpCommunicationError();
    throw e;
  }
  const candidates = candidateKeys(jwt, keys);
  if (candidates.length === 0)
    throw invalidIdentityToken("No key in the identity provider's JWKS matches the token's kid and algorithm.");
  if (!candidates.some((k) => verifyJwtSignature(jwt, k))) throw invalidIdentityToken('Invalid token signature.');
}

function checkTimes(claims: Record<string, unknown>, nowSeconds: number): void {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== 'number') throw invalidIdentityToken('The token has no numeric exp claim.');
  if (nowSeconds > exp + TOKEN_CLOCK_SKEW_SECONDS) {
    // AWS's wording, missing space included.
    throw new AwsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time${exp}`,
      400,
    );
  }
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSeconds + TOKEN_CLOCK_SKEW_SECONDS)) {
    throw invalidIdentityToken('The token is not valid yet (nbf).');
  }
  if (iat !== undefined && (typeof iat !== 'number' || iat > nowSeconds + TOKEN_CLOCK_SKEW_SECONDS)) {
    throw invalidIdentityToken('The token was issued in the future (iat).');
  }
}

/**
 * Verifies an OIDC ID token as STS does for a role in `account`: the issuer must be one of the account's
 * IAM OIDC providers; the signature must verify with a key from the issuer's JWKS; `aud` must be one of
 * the provider's client ids; `exp`/`nbf`/`iat` must hold on aws-local's clock (skew fault included).
 */
export async function verifyWebIdentityToken(
  backend: Backend,
  account: string,
  token: string,
): Promise<VerifiedWebIdentity> {
  let jwt: DecodedJwt;
  try {
    jwt = decodeJwt(token);
  } catch (e) {
    if (e instanceof MalformedJwtError) throw invalidIdentityToken(e.message);
    throw e;
  }
  if (!isSupportedAlgorithm(jwt.header.alg))
    throw invalidIdentityToken(`Unsupported token signing algorithm ${jwt.header.alg}.`);
  const provider = providerFor(backend, account, jwt.claims.iss);
  await verifySignature(backend, provider, jwt);
  const { claims } = jwt;
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  const audience = audiences.find((a): a is string => typeof a === 'string' && provider.clientIds.includes(a));
  if (audience === undefined) throw invalidIdentityToken('Incorrect token audience');
  checkTimes(claims, Math.floor(backend.clock.nowMs() / 1000));
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidIdentityToken('The token has no sub claim.');
  return { provider, issuer: claims.iss as string, subject: claims.sub, audience, ...readSessionClaims(claims) };
}
