import createClient, { type Middleware } from 'openapi-fetch';
import { toProblem } from './problem';
import type { paths } from './schema';

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** The session's CSRF token, sent as `x-csrf-token` on every POST, PATCH and DELETE. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a signed-in request answers 401 (the session ended elsewhere or expired). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

const session: Middleware = {
  onRequest({ request }) {
    if (!READS.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/v1/auth/')) onUnauthorized?.();
    return response;
  },
};

/** The typed client of the api (types generated from its OpenAPI document: npm run web:api-types). */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(session);

/** The data of an answer, or its problem thrown as ApiProblem. */
export async function unwrap<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw toProblem(response, error);
  return data as T;
}

/**
 * For the few calls the generated types cannot describe (a raw CSV body): same CSRF header and
 * problem handling as the typed client.
 */
export async function send<T>(method: string, path: string, body?: BodyInit, contentType?: string): Promise<T> {
  const headers = new Headers({ accept: 'application/json' });
  if (contentType) headers.set('content-type', contentType);
  if (!READS.has(method) && csrfToken) headers.set('x-csrf-token', csrfToken);
  const response = await fetch(path, { method, body, headers, credentials: 'same-origin' });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text for the problem's detail
  }
  if (response.status === 401 && !path.startsWith('/v1/auth/')) onUnauthorized?.();
  if (!response.ok) throw toProblem(response, parsed);
  return parsed as T;
}

export type Schemas = import('./schema').components['schemas'];
