import type { IssuedSession } from './issued-session';

// Expired sessions stay known (callers must get ExpiredToken, not InvalidClientTokenId) but memory is
// bounded: past this many, sessions expired for over a day are dropped.
const PRUNE_ABOVE = 200_000;
const KEEP_EXPIRED_MS = 24 * 3600 * 1000;

export class SessionStore {
  private readonly sessions = new Map<string, IssuedSession>();

  add(session: IssuedSession, nowMs: number): void {
    if (this.sessions.size >= PRUNE_ABOVE) this.prune(nowMs);
    this.sessions.set(session.accessKeyId, session);
  }

  get(accessKeyId: string): IssuedSession | undefined {
    return this.sessions.get(accessKeyId);
  }

  /** Every session still known, in issue order (tests compare what AWS issued with what LabKeys recorded). */
  list(): IssuedSession[] {
    return [...this.sessions.values()];
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(nowMs: number): void {
    for (const [id, s] of this.sessions) {
      if (s.expiration.getTime() + KEEP_EXPIRED_MS < nowMs) this.sessions.delete(id);
    }
  }
}
