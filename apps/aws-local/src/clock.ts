/**
 * aws-local's notion of now. The clock-skew fault shifts it, which lets tests move time forward
 * (credential expiry, token issue times) without waiting.
 */
export class Clock {
  constructor(private readonly skewMs: () => number) {}

  nowMs(): number {
    return Date.now() + this.skewMs();
  }

  now(): Date {
    return new Date(this.nowMs());
  }
}
