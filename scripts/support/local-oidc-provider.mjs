// A real OpenID Connect provider on this machine, for the tests and the demo (npm run demo): `oidc-provider`
// (ESM-only, so its own Node process), configured by its caller through OIDC_PROVIDER_CONFIG (JSON): clients, and users with passwords. Logging in goes
// through its own HTML login and consent forms, as a school's provider would. Prints one JSON line
// `{"issuer": "http://127.0.0.1:<port>"}` on stdout once it listens; stops on SIGTERM (or when stdin closes, with
// OIDC_PROVIDER_EXIT_WITH_STDIN=1).
//
// A user may carry `misbehave` to make the provider send a correctly signed but wrong ID token, for the relying
// party's refusals: "nonce" (another nonce), "audience" (issued to another client), "expired" (expired two
// minutes before it was issued).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_PROVIDER_CONFIG ?? '{}');
const users = new Map((config.users ?? []).map((user) => [user.login, user]));
const bySub = new Map((config.users ?? []).map((user) => [user.sub ?? user.login, user]));

const server = createServer();
await new Promise((resolve) => server.listen(config.port ?? 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: config.clients ?? [],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  // `amr` with the openid scope, so the ID token says how the person authenticated (MFA or not).
  claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { IdToken: 3600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
  findAccount: (_ctx, sub) => {
    const user = bySub.get(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      claims: () => ({
        sub,
        ...(user.email !== undefined ? { email: user.email } : {}),
        email_verified: user.email_verified ?? true,
        name: user.name ?? user.login,
        ...(user.claims ?? {}),
      }),
    };
  },
});
provider.proxy = false;

// Misbehaving users: the token is still signed with the provider's real key; only the claim named is wrong.
const issueIdToken = provider.IdToken.prototype.issue;
provider.IdToken.prototype.issue = function issue(options = {}) {
  const user = bySub.get(this.available?.sub);
  if (options.use === 'idtoken' && user?.misbehave === 'nonce') this.set('nonce', 'a-nonce-of-another-sign-in');
  if (options.use === 'idtoken' && user?.misbehave === 'audience') {
    const client = this.client;
    this.client = new Proxy(client, {
      get: (target, key) => (key === 'clientId' ? 'another-client' : Reflect.get(target, key, target)),
    });
  }
  if (options.use === 'idtoken' && user?.misbehave === 'expired')
    return issueIdToken.call(this, { ...options, expiresAt: Math.floor(Date.now() / 1000) - 120 });
  return issueIdToken.call(this, options);
};

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}
input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}
.error{color:#a00}</style></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

async function formBody(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) break;
  }
  return new URLSearchParams(text);
}

provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(ctx.path);
  if (!match) return next();
  const [, uid, action] = match;
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
  ctx.set('cache-control', 'no-store');
  if (ctx.method === 'GET' && !action) {
    ctx.type = 'html';
    if (details.prompt.name === 'login') {
      ctx.body = page(
        'Sign in to the school',
        `<form method="post" action="/interaction/${uid}/login">
<label for="login">Username</label><input id="login" name="login" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`,
      );
    } else {
      const client = await provider.Client.find(details.params.client_id);
      ctx.body = page(
        'Allow access',
        `<p>${escape(client?.clientName ?? details.params.client_id)} asks for your email address and name.</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`,
      );
    }
    return undefined;
  }
  if (ctx.method !== 'POST') ctx.throw(405);
  if (action === 'abort') {
    const to = await provider.interactionResult(ctx.req, ctx.res, {
      error: 'access_denied',
      error_description: 'The user cancelled the sign-in.',
    });
    return ctx.redirect(to);
  }
  if (action === 'login') {
    const form = await formBody(ctx.req);
    const user = users.get(form.get('login') ?? '');
    if (!user || user.password !== form.get('password')) {
      ctx.status = 401;
      ctx.type = 'html';
      ctx.body = page(
        'Sign in to the school',
        `<p class="error" role="alert">Wrong username or password.</p><p><a href="/interaction/${uid}">Try again</a></p>`,
      );
      return undefined;
    }
    const to = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: user.sub ?? user.login, amr: user.amr ?? ['pwd'] } },
      { mergeWithLastSubmission: false },
    );
    return ctx.redirect(to);
  }
  // confirm: grant what the client asked for.
  const { accountId } = details.session;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  const to = await provider.interactionResult(
    ctx.req,
    ctx.res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
  return ctx.redirect(to);
});

provider.on('server_error', (_ctx, error) => process.stderr.write(`oidc-provider server_error: ${error.stack}\n`));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started by a test with stdin piped: stops when the test process goes away, even without a signal.
if (process.env.OIDC_PROVIDER_EXIT_WITH_STDIN === '1') {
  process.stdin.on('end', stop);
  process.stdin.resume();
}
