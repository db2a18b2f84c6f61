import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { constantTimeEqual, hashToken } from '@labkeys/secrets';

/** The dashboard session cookie: an opaque random id; the database keeps only its SHA-256. */
export const SESSION_COOKIE = 'lk_session';
export const CSRF_HEADER = 'x-csrf-token';

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export const newSessionId = () => randomBytes(32).toString('base64url');
export const sessionIdHash = (raw: string) => hashToken(raw);

/**
 * The per-session CSRF token, derived from the session id (so nothing more is stored, and it changes whenever the
 * session id is rotated). It cannot be turned back into the session id.
 */
export const csrfTokenOf = (raw: string) => createHmac('sha256', raw).update('labkeys:csrf').digest('base64url');

/** The well-formed session id of the request's `lk_session` cookie, if any (the first one when repeated). */
export function sessionCookieOf(req: Request): string | undefined {
  return opaqueCookieOf(req, SESSION_COOKIE);
}

/** The well-formed opaque session id (see newSessionId) of the request's cookie `name`, if any (the first one when repeated). */
export function opaqueCookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return SESSION_ID.test(value) ? value : undefined;
  }
  return undefined;
}

const cookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: 'lax' as const, path: '/', secure });

/** A browser-session cookie (no Max-Age): the server ends the session, the browser forgets it when closed. */
export function setSessionCookie(res: Response, raw: string, secure: boolean): void {
  res.cookie(SESSION_COOKIE, raw, cookieOptions(secure));
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}

/** The origin a browser says a request comes from: `Origin`, else the origin of `Referer`. */
export function requestOrigin(req: Request): string | undefined {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return origin;
  const referer = req.headers.referer;
  if (typeof referer !== 'string') return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Why a cookie-authenticated change is refused as a possible cross-site request, or null when it is not: it must
 * carry the session's CSRF token and come from an allowed origin.
 */
export function crossSiteRefusal(req: Request, raw: string, allowedOrigins: string[]): string | null {
  const token = req.headers[CSRF_HEADER];
  if (typeof token !== 'string' || !constantTimeEqual(token, csrfTokenOf(raw))) {
    return `A change made with the session cookie needs the session's ${CSRF_HEADER} header.`;
  }
  const origin = requestOrigin(req);
  if (!origin || !allowedOrigins.includes(origin))
    return 'A change made with the session cookie must come from the LabKeys dashboard (Origin or Referer).';
  return null;
}

/** Public routes that set a session cookie refuse a request a browser says comes from another site. */
export function foreignOrigin(req: Request, allowedOrigins: string[]): boolean {
  const origin = requestOrigin(req);
  return origin !== undefined && !allowedOrigins.includes(origin);
}
