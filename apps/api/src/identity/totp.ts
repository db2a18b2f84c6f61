import { Secret, TOTP } from 'otpauth';

// RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps; one step of clock skew either way.
const PERIOD = 30;
const DIGITS = 6;
const ALGORITHM = 'SHA1';
const WINDOW = 1;
const ISSUER = 'LabKeys';

export function newTotpSecret(): Secret {
  return new Secret({ size: 20 });
}

export function otpauthUrlOf(secret: Secret, account: string): string {
  return new TOTP({
    issuer: ISSUER,
    label: account,
    secret,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD,
  }).toString();
}

/** The time step a code belongs to when it is valid now (within the skew window), else null. */
export function totpStepOf(secret: Uint8Array, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = TOTP.validate({
    token: code,
    secret: new Secret({ buffer: toArrayBuffer(secret) }),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD,
    window: WINDOW,
    timestamp: now,
  });
  return delta === null ? null : TOTP.counter({ period: PERIOD, timestamp: now }) + delta;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
