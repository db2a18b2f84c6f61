import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type * as OpenIdClient from 'openid-client';
import { SsoRefusal } from './sso-refusal';

/** What LabKeys needs to talk to one provider as one client. */
export interface RelyingPartyClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** The claims of a validated ID token (issuer, audience, signature, expiry and nonce checked), never the tokens. */
export type IdTokenClaims = Record<string, unknown> & { sub: string; amr?: unknown };

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Discovered configurations are reused for this long (a provider's keys rotate through its JWKS, fetched by the library). */
const DISCOVERY_TTL_MS = 10 * 60_000;
/** How long a call to a provider may take. */
const PROVIDER_TIMEOUT_SECONDS = 10;
const SCOPE = 'openid email profile';

/** Loaded once, when the first sign-in needs it: openid-client is ESM-only (see README, development notes). */
let library: Promise<typeof OpenIdClient> | undefined;
const openIdClient = () => (library ??= import('openid-client'));

/** Plain http is allowed for a provider on this machine only (tests, the demo); a school's provider is https. */
export function loopbackIssuer(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

/**
 * LabKeys as an OpenID Connect relying party, through openid-client: discovery, the authorization URL
 * (authorization code with PKCE S256, state and nonce) and the callback, whose ID token the library validates.
 * Every failure becomes an SsoRefusal with plain words; nothing here answers 5xx.
 */
@Injectable()
export class OpenIdRelyingParty {
  private readonly configurations = new Map<string, { at: number; config: Promise<OpenIdClient.Configuration> }>();

  /** Fetches the provider's discovery document, refusing when it cannot be read or names another issuer. */
  async discover(client: RelyingPartyClient): Promise<OpenIdClient.Configuration> {
    const key = `${client.issuer}\n${client.clientId}\n${createHash('sha256').update(client.clientSecret).digest('hex')}`;
    const cached = this.configurations.get(key);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
    const config = this.load(client);
    this.configurations.set(key, { at: Date.now(), config });
    if (this.configurations.size > 200) this.configurations.delete(this.configurations.keys().next().value!);
    // A failed discovery is not kept: the next sign-in tries again.
    config.catch(() => this.configurations.delete(key));
    return config;
  }

  /** Forgets what was discovered for an issuer (its provider was changed or removed). */
  forget(issuer: string): void {
    for (const key of this.configurations.keys()) if (key.startsWith(`${issuer}\n`)) this.configurations.delete(key);
  }

  async authorizationRequest(client: RelyingPartyClient, redirectUri: string): Promise<AuthorizationRequest> {
    const lib = await openIdClient();
    const config = await this.discover(client);
    const codeVerifier = lib.randomPKCECodeVerifier();
    const state = lib.randomState();
    const nonce = lib.randomNonce();
    const url = lib.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      response_type: 'code',
      code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.toString(), state, nonce, codeVerifier };
  }

  /**
   * Redeems the callback's code (with the PKCE verifier) and validates the ID token: issuer, audience, signature,
   * expiry, nonce; `state` is compared too. Answers the ID token's claims.
   */
  async callback(
    client: RelyingPartyClient,
    currentUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
    wanted: string[] = [],
  ): Promise<IdTokenClaims> {
    const lib = await openIdClient();
    const config = await this.discover(client);
    let tokens: Awaited<ReturnType<typeof OpenIdClient.authorizationCodeGrant>>;
    try {
      tokens = await lib.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw refusalOf(error);
    }
    const claims = tokens.claims();
    if (!claims) throw new SsoRefusal('id_token_invalid', 'The school’s sign-in sent no ID token.');
    // Providers that keep the ID token small (as the specification's default) give the rest at userinfo; its
    // `sub` must be the ID token's. The ID token's own claims win.
    if (wanted.some((claim) => claims[claim] === undefined) && tokens.access_token) {
      try {
        const userinfo = await lib.fetchUserInfo(config, tokens.access_token, claims.sub);
        return { ...userinfo, ...claims };
      } catch (error) {
        throw refusalOf(error);
      }
    }
    return { ...claims };
  }

  /** The provider's end-session URL (RP-initiated logout), when it has one. */
  async endSessionUrl(client: RelyingPartyClient, postLogoutRedirectUri: string): Promise<string | null> {
    try {
      const lib = await openIdClient();
      const config = await this.discover(client);
      if (!config.serverMetadata().end_session_endpoint) return null;
      return lib
        .buildEndSessionUrl(config, { client_id: client.clientId, post_logout_redirect_uri: postLogoutRedirectUri })
        .toString();
    } catch {
      return null;
    }
  }

  private async load(client: RelyingPartyClient): Promise<OpenIdClient.Configuration> {
    const lib = await openIdClient();
    let issuer: URL;
    try {
      issuer = new URL(client.issuer);
    } catch {
      throw new SsoRefusal('provider_unreachable', 'The issuer URL is not a URL.');
    }
    try {
      return await lib.discovery(
        issuer,
        client.clientId,
        { client_secret: client.clientSecret },
        lib.ClientSecretBasic(client.clientSecret),
        {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          execute: loopbackIssuer(issuer) ? [lib.allowInsecureRequests] : [],
        },
      );
    } catch (error) {
      throw new SsoRefusal(
        'provider_unreachable',
        `LabKeys could not read the school sign-in’s discovery document at ${issuer.origin}: ${messageOf(error)}`,
      );
    }
  }
}

/** The library's own words; openid-client wraps oauth4webapi's more precise error as its cause. */
function messageOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const message = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return message.slice(0, 300);
}

/** openid-client's errors, in words a person can act on (its codes are stable; its messages are informative). */
function refusalOf(error: unknown): SsoRefusal {
  const e = error as { code?: string; error?: string; error_description?: string; message?: string; name?: string };
  if (e.name === 'ResponseBodyError' || typeof e.error === 'string') {
    const said = [e.error, e.error_description].filter(Boolean).join(': ');
    return e.error === 'invalid_grant'
      ? new SsoRefusal(
          'code_rejected',
          `The school’s sign-in refused the sign-in code (used already, or expired): ${said}`,
        )
      : new SsoRefusal('provider_error', `The school’s sign-in refused: ${said}`);
  }
  switch (e.code) {
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return new SsoRefusal(
        'id_token_expired',
        `The school’s sign-in sent an ID token that is not valid now (${messageOf(error)}).`,
      );
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'OAUTH_INVALID_RESPONSE':
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return new SsoRefusal(
        'id_token_invalid',
        `The school’s sign-in sent an ID token LabKeys cannot accept (${messageOf(error)}).`,
      );
    default:
      if (e.name === 'TypeError' || e.code === 'OAUTH_TIMEOUT' || e.name === 'TimeoutError' || e.name === 'AbortError')
        return new SsoRefusal(
          'provider_unreachable',
          `LabKeys could not reach the school’s sign-in: ${messageOf(error)}`,
        );
      return new SsoRefusal(
        'id_token_invalid',
        `The school’s sign-in answer could not be accepted (${messageOf(error)}).`,
      );
  }
}
