import { awsTimestamp, escapeXml } from '../xml';
import type { ConsoleSession } from './signin-token-store';

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>` +
  `<style>body{font-family:sans-serif;margin:2rem;max-width:48rem}dt{font-weight:bold}dd{margin:0 0 1rem;font-family:monospace}</style>` +
  `</head><body>${body}</body></html>`;

/** The stand-in AWS console: shows who is signed in, until when, and where they were sent. */
export function consolePage(session: ConsoleSession): string {
  return page(
    'AWS Management Console (aws-local)',
    `<h1>AWS Management Console</h1><p>Signed in through federation (aws-local).</p><dl>` +
      `<dt>Role</dt><dd id="arn">${escapeXml(session.assumedRoleArn)}</dd>` +
      `<dt>Session expires</dt><dd id="expires">${awsTimestamp(session.expiresAt)}</dd>` +
      `<dt>Destination</dt><dd id="destination">${escapeXml(session.destination)}</dd>` +
      (session.issuer ? `<dt>Issuer</dt><dd id="issuer">${escapeXml(session.issuer)}</dd>` : '') +
      `</dl>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeXml(title)}</h1><p>${escapeXml(message)}</p>`);
}
