import { Secret, TOTP } from 'otpauth';

const PERIOD_S = 30;

/**
 * The instructor's authenticator app, from the secret the enrolment page shows: each code is of a time
 * step not used before (the api refuses a replayed code), waiting for the clock when the next is not due.
 */
export class AuthenticatorApp {
  private readonly totp: TOTP;
  private used = -1;

  constructor(base32Secret: string) {
    this.totp = new TOTP({
      secret: Secret.fromBase32(base32Secret.replace(/\s+/g, '')),
      digits: 6,
      period: PERIOD_S,
      algorithm: 'SHA1',
    });
  }

  async nextCode(): Promise<string> {
    for (;;) {
      const now = Math.floor(Date.now() / 1000 / PERIOD_S);
      const step = Math.max(now, this.used + 1);
      // The api takes the current step's code and the next one's (one step of clock skew).
      if (step <= now + 1) {
        this.used = step;
        return this.totp.generate({ timestamp: step * PERIOD_S * 1000 });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
