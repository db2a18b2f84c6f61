import type { Request, Response } from 'express';
import { opaqueCookieOf } from '../identity/session-cookie';

/**
 * Binds a sign-in through an identity provider to the browser that started it: a random value (the attempt keeps
 * its SHA-256), sent back only to the SSO routes, with the provider's top-level redirect (SameSite=Lax). A
 * callback URL carried to another browser is refused there. One value per browser, renewed by each start.
 */
export const SSO_BROWSER_COOKIE = 'lk_sso';
const PATH = '/v1/auth/sso';
const LIFETIME_MS = 10 * 60_000;

const options = (secure: boolean) => ({ httpOnly: true, sameSite: 'lax' as const, path: PATH, secure });

export const ssoBrowserCookieOf = (req: Request) => opaqueCookieOf(req, SSO_BROWSER_COOKIE);

export function setSsoBrowserCookie(res: Response, value: string, secure: boolean): void {
  res.cookie(SSO_BROWSER_COOKIE, value, { ...options(secure), maxAge: LIFETIME_MS });
}
