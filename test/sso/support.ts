import { createHash, randomBytes } from 'node:crypto';
import { bearer } from '../support/api';
import { specQueuePrefix } from '../support/env';
import {
  CookieJar,
  signInAtProvider,
  startOidcProvider,
  type TestOidcProvider,
  type TestOidcUser,
} from '../support/oidc-provider';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { freePort } from '../support/web-identity';

export const CLIENT_ID = 'labkeys-school';
export const CLIENT_SECRET = `school-client-secret-${randomBytes(12).toString('hex')}`;
export const PASSWORD = 'correct horse battery staple';

/** The issuance pipeline, the api on a port known first (its PUBLIC_URL), and a real OIDC provider. */
export interface SsoWorld extends Pipeline {
  provider: TestOidcProvider;
}

export async function startSsoWorld(
  externalIds: string[],
  users: TestOidcUser[],
  env: Record<string, string> = {},
): Promise<SsoWorld> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const provider = await startOidcProvider({
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        client_name: 'LabKeys',
        redirect_uris: [`${baseUrl}/v1/auth/sso/callback`],
        post_logout_redirect_uris: [`${baseUrl}/sign-in`],
      },
    ],
    users,
  });
  const pipeline = await startPipeline(
    externalIds,
    { QUEUE_PREFIX: specQueuePrefix('sso'), PUBLIC_URL: baseUrl, API_RATE_LIMIT_PER_MINUTE: '100000', ...env },
    port,
  );
  return {
    ...pipeline,
    provider,
    close: async () => {
      await pipeline.close();
      await provider.stop();
    },
  };
}

/** Adds the school's provider to a tenant with its owner's API token (bearer calls need no step-up). */
export async function addProvider(
  world: SsoWorld,
  ownerToken: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; [key: string]: unknown }> {
  const res = await world.api.http
    .post('/v1/identity-providers')
    .set(bearer(ownerToken))
    .send({
      displayName: 'Example University',
      issuer: world.provider.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      allowedDomains: ['example.edu'],
      ...body,
    });
  if (res.status !== 201) throw new Error(`creating the provider answered ${res.status}: ${res.text}`);
  return res.body;
}

export interface Landed {
  status: number;
  location: string;
  url: URL;
  body: Record<string, unknown>;
}

/** A browser: one cookie jar for LabKeys and the provider; requests LabKeys with real HTTP, redirects by hand. */
export class SsoBrowser {
  readonly jar = new CookieJar();

  constructor(readonly baseUrl: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const url = new URL(path, this.baseUrl);
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'text/html', cookie: this.jar.header(url), ...headers },
      signal: AbortSignal.timeout(15_000),
    });
    this.jar.store(url, res.headers);
    return res;
  }

  /** Starts a sign-in at LabKeys and answers the provider's authorization URL LabKeys redirected to. */
  async start(path: string): Promise<string> {
    const res = await this.get(path);
    if (res.status !== 302) throw new Error(`start answered ${res.status}: ${await res.text()}`);
    return res.headers.get('location')!;
  }

  /** Signs in at the provider's forms; answers the callback URL the provider sends the browser to. */
  atProvider(authorizationUrl: string, user: { login: string; password?: string }, consent?: 'allow' | 'deny') {
    return signInAtProvider(
      this.jar,
      authorizationUrl,
      { login: user.login, password: user.password ?? PASSWORD },
      { consent },
    );
  }

  /** Follows the callback to LabKeys: where LabKeys sends the browser next. */
  async callback(callbackUrl: string, headers: Record<string, string> = {}): Promise<Landed> {
    const url = new URL(callbackUrl);
    const res = await this.get(`${url.pathname}${url.search}`, headers);
    const text = await res.text();
    const location = res.headers.get('location') ?? '';
    return {
      status: res.status,
      location,
      url: new URL(location || '/', this.baseUrl),
      body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  /** The whole sign-in: start, the provider's forms, the callback. */
  async signIn(startPath: string, user: { login: string; password?: string }): Promise<Landed> {
    return this.callback(await this.atProvider(await this.start(startPath), user));
  }

  cookie(name: string, path = '/'): string | undefined {
    return this.jar.get(new URL(path, this.baseUrl), name);
  }
}

export const startPath = (tenantId: string, providerId: string, purpose: string) =>
  `/v1/auth/sso/start/${tenantId}/${providerId}?purpose=${purpose}`;

/** The CLI's side of the loopback: a verifier and its challenge. */
export function cliVerifier(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
