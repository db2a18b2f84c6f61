import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Paths the web app never answers: the api, its documents and the operator's queue board keep them. (The student page, /student, is one of its routes.) */
export const RESERVED_PREFIXES = ['/v1', '/docs', '/health', '/metrics', '/oidc', '/admin', '/assets'];

/**
 * The dashboard's content security policy: its own scripts only; inline styles because the template
 * editor (CodeMirror) injects its own; the QR code of MFA enrolment is an inline SVG.
 */
export const WEB_APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Where `npm run build:web` writes the dashboard: apps/web/dist under the project root. */
export function webDistDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), 'apps/web/dist');
    dir = up;
  }
  return join(dir, 'apps/web/dist');
}

/** Whether a GET of this path is one of the dashboard's own routes (a page, not a file or an api path). */
export function isWebAppRoute(path: string): boolean {
  if (RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/**
 * Serves the built dashboard from the api's own origin: hashed files under /assets (cached for a year),
 * and index.html for every route of the single-page app, so a reload of /labs/… works. API paths are
 * never shadowed (RESERVED_PREFIXES; anything else with a dot is a missing file, 404 from Nest).
 * Without a build (the Jest suites) nothing is mounted and `/` is Nest's 404.
 */
export function serveWebApp(app: NestExpressApplication, dir = webDistDir()): boolean {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return false;
  const indexHtml = readFileSync(indexFile);
  app.useStaticAssets(join(dir, 'assets'), {
    prefix: '/assets',
    index: false,
    immutable: true,
    maxAge: '365d',
    setHeaders: (res: Response) => {
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isWebAppRoute(req.path)) return next();
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-security-policy', WEB_APP_CSP);
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.status(200).end(req.method === 'HEAD' ? undefined : indexHtml);
  });
  return true;
}
