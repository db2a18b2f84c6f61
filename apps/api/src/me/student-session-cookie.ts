import type { Request, Response } from 'express';
import { opaqueCookieOf, requestOrigin } from '../identity/session-cookie';

/**
 * The student page's session cookie: an opaque random id (the database keeps its SHA-256), sent only to the
 * student API (`Path=/v1/me`), never to another site (SameSite=Strict), never readable by scripts (HttpOnly),
 * and only over HTTPS when PUBLIC_URL is https.
 */
export const STUDENT_COOKIE = 'lks_session';
export const STUDENT_COOKIE_PATH = '/v1/me';
/** How long a page session lasts at most; the access token it came from must keep working too. */
export const STUDENT_SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;

export const studentCookieOf = (req: Request) => opaqueCookieOf(req, STUDENT_COOKIE);

const cookieOptions = (secure: boolean) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  path: STUDENT_COOKIE_PATH,
  secure,
});

export function setStudentCookie(res: Response, raw: string, secure: boolean): void {
  res.cookie(STUDENT_COOKIE, raw, { ...cookieOptions(secure), maxAge: STUDENT_SESSION_LIFETIME_MS });
}

export function clearStudentCookie(res: Response, secure: boolean): void {
  res.clearCookie(STUDENT_COOKIE, cookieOptions(secure));
}

/**
 * Why a change made with the student cookie is refused as possibly cross-site, or null: the browser must say it
 * comes from LabKeys' own origin (Origin, else Referer). SameSite=Strict already keeps the cookie off other
 * sites' requests; this holds where a browser ignores SameSite.
 */
export function studentCrossSiteRefusal(req: Request, allowedOrigins: string[]): string | null {
  const origin = requestOrigin(req);
  return origin && allowedOrigins.includes(origin)
    ? null
    : 'A change made with the student session cookie must come from the LabKeys student page (Origin or Referer).';
}
