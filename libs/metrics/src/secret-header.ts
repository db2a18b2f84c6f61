import { constantTimeEqual } from '@labkeys/secrets';

/**
 * The secret an Authorization header carries: `Bearer <secret>`, or HTTP Basic with the secret as the
 * password (what a browser sends after its sign-in prompt). Undefined when there is none.
 */
export function presentedSecret(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^(Bearer|Basic)\s+(\S+)$/i.exec(header.trim());
  if (!match) return undefined;
  if (match[1].toLowerCase() === 'bearer') return match[2];
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/** True when the header carries `expected`; compared in constant time. No expected secret: always false. */
export function headerCarriesSecret(header: string | string[] | undefined, expected: string | undefined): boolean {
  const presented = presentedSecret(header);
  if (!expected || presented === undefined) return false;
  return constantTimeEqual(presented, expected);
}
