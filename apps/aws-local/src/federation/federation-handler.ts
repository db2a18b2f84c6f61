import type { Backend } from '../backend';
import { consolePage, errorPage } from './console-page';
import { SIGNIN_TOKEN_TTL_MS } from './signin-token-store';
import type { SigninTokenStore } from './signin-token-store';

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, value: unknown): HttpReply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});
const fail = (message: string): HttpReply => json(400, { Error: 'InvalidRequest', Message: message });
const html = (status: number, body: string): HttpReply => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body,
});

interface FederationSession {
  sessionId?: unknown;
  sessionKey?: unknown;
  sessionToken?: unknown;
}

/**
 * `Action=getSigninToken`: exchanges temporary credentials for a sign-in token. Only AssumeRole
 * credentials qualify; SessionDuration (900–43200) is refused for role-chained credentials.
 */
function getSigninToken(backend: Backend, tokens: SigninTokenStore, q: URLSearchParams): HttpReply {
  let creds: FederationSession;
  try {
    creds = JSON.parse(q.get('Session') ?? '') as FederationSession;
  } catch {
    return fail('The Session parameter must be a JSON object with sessionId, sessionKey and sessionToken.');
  }
  const session = typeof creds.sessionId === 'string' ? backend.sessions.get(creds.sessionId) : undefined;
  if (!session || creds.sessionKey !== session.secretAccessKey || creds.sessionToken !== session.sessionToken) {
    return fail('The credentials in the Session parameter are invalid.');
  }
  if (session.kind !== 'assumed-role') {
    return fail('Credentials from GetSessionToken cannot be used to sign in to the console.');
  }
  const nowMs = backend.clock.nowMs();
  if (session.expiration.getTime() <= nowMs) return fail('The credentials in the Session parameter have expired.');
  let consoleExpiresAt = session.expiration;
  const durationRaw = q.get('SessionDuration');
  if (durationRaw !== null) {
    if (session.chained) {
      return fail('SessionDuration is not supported for credentials obtained by role chaining.');
    }
    const duration = /^\d+$/.test(durationRaw) ? Number(durationRaw) : NaN;
    if (!(duration >= 900 && duration <= 43200)) return fail('SessionDuration must be between 900 and 43200 seconds.');
    consoleExpiresAt = new Date(nowMs + duration * 1000);
  }
  const token = tokens.mint(
    {
      assumedRoleArn: session.assumedRoleArn as string,
      consoleExpiresAt,
      tokenExpiresAtMs: nowMs + SIGNIN_TOKEN_TTL_MS,
    },
    nowMs,
  );
  return json(200, { SigninToken: token });
}

function login(backend: Backend, tokens: SigninTokenStore, q: URLSearchParams, origin: string): HttpReply {
  const destination = q.get('Destination');
  if (!destination) return html(400, errorPage('Sign-in failed', 'The Destination parameter is required.'));
  const grant = tokens.redeem(q.get('SigninToken') ?? '', backend.clock.nowMs());
  if (!grant) return html(400, errorPage('Sign-in failed', 'The sign-in token is invalid, expired or already used.'));
  const id = tokens.openConsole({
    assumedRoleArn: grant.assumedRoleArn,
    expiresAt: grant.consoleExpiresAt,
    destination,
    issuer: q.get('Issuer') ?? undefined,
  });
  return { status: 302, headers: { location: `${origin}/console?session=${encodeURIComponent(id)}` }, body: '' };
}

export function handleFederation(
  backend: Backend,
  tokens: SigninTokenStore,
  q: URLSearchParams,
  origin: string,
): HttpReply {
  switch (q.get('Action')) {
    case 'getSigninToken':
      return getSigninToken(backend, tokens, q);
    case 'login':
      return login(backend, tokens, q, origin);
    default:
      return fail('Action must be getSigninToken or login.');
  }
}

export function handleConsole(backend: Backend, tokens: SigninTokenStore, q: URLSearchParams): HttpReply {
  const session = tokens.console(q.get('session') ?? '');
  if (!session) return html(404, errorPage('Not signed in', 'No console session; sign in through federation.'));
  if (session.expiresAt.getTime() <= backend.clock.nowMs()) {
    return html(403, errorPage('Session expired', 'Your console session has expired. Sign in again.'));
  }
  return html(200, consolePage(session));
}
