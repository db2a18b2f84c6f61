import { randomBytes } from 'node:crypto';
import { formatKeyRing, parseKeyRing } from './key-ring.parser';
import { KeyRingError } from './sealed-secret.error';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

function parseError(spec: string): KeyRingError {
  try {
    parseKeyRing(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyRingError);
    return error as KeyRingError;
  }
  throw new Error('expected parseKeyRing to throw');
}

describe('parseKeyRing', () => {
  it('parses several keys with the first one current', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const ring = parseKeyRing(` k2:${a.toString('base64')} , k1:${b.toString('base64')}`);
    expect(ring.currentKeyId).toBe('k2');
    expect([...ring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(ring.keys.get('k2')!.equals(a)).toBe(true);
    expect(ring.keys.get('k1')!.equals(b)).toBe(true);
  });

  it('round-trips through formatKeyRing', () => {
    const spec = `now:${b64(32)},old:${b64(32)}`;
    expect(formatKeyRing(parseKeyRing(spec))).toBe(spec);
  });

  it.each([
    ['empty', '', /is empty/],
    ['blank', '   ', /is empty/],
    ['missing key id', `:${b64(32)}`, /entry 1 has no key id/],
    ['no colon', b64(32), /entry 1 has no key id/],
    ['stray comma', `k1:${b64(32)},`, /entry 2 is empty/],
    ['invalid key id', `k 1:${b64(32)}`, /invalid key id/],
    ['missing key', 'k1:', /has no key/],
    ['bad base64', `k1:${b64(32).slice(0, -2)}!!`, /"k1"\) is not valid base64/],
    ['wrong length', `k1:${b64(16)}`, /decodes to 16 bytes.*exactly 32/],
    ['duplicate id', `k1:${b64(32)},k2:${b64(32)},k1:${b64(32)}`, /entry 3 repeats key id "k1"/],
  ])('rejects %s with a clear message', (_case, spec, message) => {
    expect(parseError(spec).message).toMatch(message);
  });

  it('never echoes key material in its errors', () => {
    const short = b64(31);
    const long = b64(33);
    const invalid = `${b64(32).slice(0, 20)}%%%%`;
    for (const [spec, secret] of [
      [`k1:${short}`, short],
      [`k1:${long}`, long],
      [`k1:${invalid}`, invalid],
      [short, short],
      [`k1:${long},k1:${short}`, short],
    ]) {
      const error = parseError(spec);
      expect(`${error.message}\n${error.stack}`).not.toContain(secret);
      expect(error.message).not.toContain(secret.slice(0, 8));
    }
  });
});
