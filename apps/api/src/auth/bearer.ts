import type { Request } from 'express';
import { looksLikeToken } from '@labkeys/secrets';

/**
 * The bearer token of a request, parsed the one way every guard uses:
 * scheme case-insensitive, any run of whitespace after it, surrounding
 * whitespace ignored — so `Bearer  t`, `bearer t` and `Bearer t ` are one token.
 */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** The token when it has the shape of an instructor or student token (nothing else can be valid). */
export function wellFormedToken(req: Request): string | undefined {
  const raw = bearerToken(req);
  return raw && (looksLikeToken(raw, 'lk') || looksLikeToken(raw, 'lks')) ? raw : undefined;
}
