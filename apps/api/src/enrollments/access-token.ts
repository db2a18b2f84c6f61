import { generateToken, hashToken } from '@labkeys/secrets';

export interface NewAccessToken {
  /** Returned to the instructor once, never stored. */
  token: string;
  /** What Enrollment.accessTokenHash keeps. */
  hash: string;
}

export function newAccessToken(): NewAccessToken {
  const token = generateToken('lks');
  return { token, hash: hashToken(token) };
}

/** The token rides in the fragment, which browsers keep out of requests, so it never reaches server or proxy logs. */
export function accessLink(publicUrl: string, token: string): string {
  return `${publicUrl}/student#token=${token}`;
}
