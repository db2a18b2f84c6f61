import { randomBytes } from 'node:crypto';

// Sign-in tokens are valid for 15 minutes and for one login.
export const SIGNIN_TOKEN_TTL_MS = 15 * 60 * 1000;

export interface SigninGrant {
  assumedRoleArn: string;
  consoleExpiresAt: Date;
  tokenExpiresAtMs: number;
}

export interface ConsoleSession {
  assumedRoleArn: string;
  expiresAt: Date;
  destination: string;
  issuer?: string;
}

/** Minted sign-in tokens and the console sessions logins open. */
export class SigninTokenStore {
  private readonly tokens = new Map<string, SigninGrant>();
  private readonly consoles = new Map<string, ConsoleSession>();

  mint(grant: SigninGrant, nowMs: number): string {
    if (this.tokens.size > 50_000) this.prune(nowMs);
    const token = randomBytes(96).toString('base64url');
    this.tokens.set(token, grant);
    return token;
  }

  /** Consumes a token: it is gone after this call whether or not it was still valid. */
  redeem(token: string, nowMs: number): SigninGrant | null {
    const grant = this.tokens.get(token);
    if (!grant) return null;
    this.tokens.delete(token);
    return grant.tokenExpiresAtMs > nowMs ? grant : null;
  }

  openConsole(session: ConsoleSession): string {
    const id = randomBytes(24).toString('base64url');
    this.consoles.set(id, session);
    return id;
  }

  console(id: string): ConsoleSession | undefined {
    return this.consoles.get(id);
  }

  private prune(nowMs: number): void {
    for (const [t, g] of this.tokens) if (g.tokenExpiresAtMs <= nowMs) this.tokens.delete(t);
  }
}
