import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, waitForExit } from './processes';

export interface TestOidcUser {
  login: string;
  password: string;
  sub?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** Authentication methods the provider asserts (`amr`), e.g. ['pwd', 'mfa']. */
  amr?: string[];
  /** Makes the provider send a signed but wrong ID token for this user (see scripts/support/local-oidc-provider.mjs). */
  misbehave?: 'nonce' | 'audience' | 'expired';
  claims?: Record<string, unknown>;
}

export interface TestOidcClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  client_name?: string;
  token_endpoint_auth_method?: string;
}

export interface TestOidcProvider {
  issuer: string;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts the real OpenID Connect provider (oidc-provider, its own Node process) with these clients and users. */
export async function startOidcProvider(config: {
  clients: TestOidcClient[];
  users: TestOidcUser[];
  port?: number;
}): Promise<TestOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'scripts/support/local-oidc-provider.mjs')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, OIDC_PROVIDER_CONFIG: JSON.stringify(config), OIDC_PROVIDER_EXIT_WITH_STDIN: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const issuer = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`the OIDC provider did not start: ${stderr}`)), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { issuer: string }).issuer);
    });
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code}): ${stderr}`)));
  });
  return {
    issuer,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await waitForExit(child);
    },
  };
}

/** A cookie jar for one browser talking to one provider (and whatever else it visits), by host. */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, { value: string; path: string }>>();

  store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const pathAttr = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='));
      const path = pathAttr ? pathAttr.slice(5) : '/';
      const expired = attributes.some((a) => /^expires=/i.test(a.trim()) && Date.parse(a.trim().slice(8)) < Date.now());
      const host = this.cookies.get(url.host) ?? new Map();
      if (!value || expired) host.delete(`${name};${path}`);
      else host.set(`${name};${path}`, { value, path });
      this.cookies.set(url.host, host);
    }
  }

  header(url: URL): string {
    const host = this.cookies.get(url.host);
    if (!host) return '';
    return [...host.entries()]
      .filter(
        ([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .map(([key, c]) => `${key.split(';')[0]}=${c.value}`)
      .join('; ');
  }

  /** The value of one cookie for a URL, if the jar holds it. */
  get(url: URL, name: string): string | undefined {
    return this.header(url)
      .split('; ')
      .find((pair) => pair.startsWith(`${name}=`))
      ?.slice(name.length + 1);
  }
}

/**
 * A person at the school's sign-in page: follows the provider's redirects, fills in its login form and allows
 * the consent form, and stops at the first redirect that leaves the provider (LabKeys' callback), answered as
 * the URL to go to next.
 */
export async function signInAtProvider(
  jar: CookieJar,
  authorizationUrl: string,
  user: { login: string; password: string },
  options: { consent?: 'allow' | 'deny' } = {},
): Promise<string> {
  const providerOrigin = new URL(authorizationUrl).origin;
  let url = new URL(authorizationUrl);
  let method = 'GET';
  let body: string | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== providerOrigin) return url.toString();
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        cookie: jar.header(url),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    jar.store(url, res.headers);
    method = 'GET';
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
      await res.arrayBuffer();
      continue;
    }
    const html = await res.text();
    if (res.status !== 200)
      throw new Error(`the provider answered ${res.status} at ${url.toString()}: ${html.slice(0, 500)}`);
    if (html.includes('name="password"')) {
      const action = /<form method="post" action="([^"]+\/login)"/.exec(html)![1];
      url = new URL(action, url);
      method = 'POST';
      body = new URLSearchParams({ login: user.login, password: user.password }).toString();
    } else if (html.includes('/confirm"')) {
      const action = new RegExp(
        `<form method="post" action="([^"]+/${options.consent === 'deny' ? 'abort' : 'confirm'})"`,
      ).exec(html)![1];
      url = new URL(action, url);
      method = 'POST';
      body = '';
    } else {
      throw new Error(`unexpected provider page at ${url.toString()}: ${html.slice(0, 500)}`);
    }
  }
  throw new Error('too many hops at the provider');
}
