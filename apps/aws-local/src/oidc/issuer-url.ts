/**
 * An OpenID Connect issuer URL as IAM keys it: without its scheme (`host[:port]/path`), which is how
 * provider ARNs (`arn:aws:iam::ACCOUNT:oidc-provider/<host/path>`) and trust-policy condition keys
 * (`<host/path>:sub`) name it. IAM requires https; http is accepted for loopback hosts only, so
 * tests and the demo can run an issuer without a certificate while nothing else can.
 */
export interface IssuerUrl {
  /** The URL as given, without a trailing slash. */
  url: string;
  /** `host[:port]/path`, lower-case host. */
  key: string;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLocalHost(hostname: string): boolean {
  return LOCAL_HOSTS.has(hostname.toLowerCase());
}

/** Parses an issuer URL, or returns the reason it is not acceptable. */
export function parseIssuerUrl(raw: string): IssuerUrl | { error: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { error: `Invalid URL: ${raw}` };
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLocalHost(u.hostname))) {
    return { error: 'The URL must begin with https:// (http:// is accepted for 127.0.0.1 and localhost only).' };
  }
  if (u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '') {
    return { error: 'The URL must not contain a query, a fragment or credentials.' };
  }
  const path = u.pathname.replace(/\/+$/, '');
  const key = `${u.host.toLowerCase()}${path}`;
  return { url: `${u.protocol}//${key}`, key };
}

/** Whether a URL that aws-local is about to fetch (discovery, JWKS) may be fetched: https, or http to a loopback host. */
export function isFetchableUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || (u.protocol === 'http:' && isLocalHost(u.hostname));
  } catch {
    return false;
  }
}
