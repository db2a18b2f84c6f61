import { randomBytes } from 'node:crypto';
import { SecretSealer } from './secret.sealer';
import { KeyRingError, SealedSecretError } from './sealed-secret.error';
import type { KeyRing } from './key-ring.parser';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ring = (currentKeyId: string, keys: [string, Buffer][]): KeyRing => ({ currentKeyId, keys: new Map(keys) });
const AAD = 'tenant-a:session-1';

function expectOpenFailure(fn: () => unknown, reason: SealedSecretError['reason']): SealedSecretError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SealedSecretError);
    expect((error as SealedSecretError).reason).toBe(reason);
    return error as SealedSecretError;
  }
  throw new Error('expected open to fail');
}

describe('SecretSealer', () => {
  const sealer = new SecretSealer(ring('k1', [['k1', k1]]));

  it('round-trips strings and buffers under the current key', () => {
    const text = sealer.seal('wJalrXUtnFEMI/K7MDENG', AAD);
    expect(text.keyId).toBe('k1');
    expect(sealer.open(text.keyId, text.sealed, AAD).toString('utf8')).toBe('wJalrXUtnFEMI/K7MDENG');

    const bytes = Buffer.from([0, 1, 2, 255]);
    const sealed = sealer.seal(bytes, AAD);
    expect(sealer.open(sealed.keyId, sealed.sealed, AAD).equals(bytes)).toBe(true);
  });

  it('uses the documented layout: version byte, 12-byte IV, ciphertext, 16-byte tag', () => {
    const { sealed } = sealer.seal('abcdef', AAD);
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(1 + 12 + 6 + 16);
    expect(sealed.includes(Buffer.from('abcdef'))).toBe(false);
  });

  it('uses a fresh IV each time, so equal plaintexts seal differently', () => {
    const a = sealer.seal('same', AAD).sealed;
    const b = sealer.seal('same', AAD).sealed;
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a ciphertext moved to another row (AAD mismatch)', () => {
    const { keyId, sealed } = sealer.seal('secret', AAD);
    expectOpenFailure(() => sealer.open(keyId, sealed, 'tenant-a:session-2'), 'authentication-failed');
  });

  it.each([
    ['the IV', 3],
    ['the ciphertext', 14],
    ['the tag', -1],
  ])('detects tampering with %s', (_part, index) => {
    const { keyId, sealed } = sealer.seal('secret-value', AAD);
    const tampered = Buffer.from(sealed);
    const at = index < 0 ? tampered.length + index : index;
    tampered[at] ^= 0x01;
    expectOpenFailure(() => sealer.open(keyId, tampered, AAD), 'authentication-failed');
  });

  it('reports truncated, unknown-version and unknown-key inputs distinctly', () => {
    const { keyId, sealed } = sealer.seal('secret', AAD);
    expectOpenFailure(() => sealer.open(keyId, sealed.subarray(0, 20), AAD), 'malformed');
    const future = Buffer.from(sealed);
    future[0] = 9;
    expectOpenFailure(() => sealer.open(keyId, future, AAD), 'unsupported-version');
    expectOpenFailure(() => sealer.open('k9', sealed, AAD), 'unknown-key');
  });

  it('fails with a wrong key under the same id, and the error carries no secret material', () => {
    const { keyId, sealed } = sealer.seal('plaintext-marker', AAD);
    const impostor = new SecretSealer(ring('k1', [['k1', k2]]));
    const error = expectOpenFailure(() => impostor.open(keyId, sealed, AAD), 'authentication-failed');
    const shown = `${error.message} ${error.stack} ${JSON.stringify(error)}`;
    for (const secret of ['plaintext-marker', k1.toString('base64'), k2.toString('base64'), k1.toString('hex')]) {
      expect(shown).not.toContain(secret);
    }
  });

  it('binds the key id: a ciphertext relabelled with another key id does not open', () => {
    const both = new SecretSealer(
      ring('k1', [
        ['k1', k1],
        ['k2', k1],
      ]),
    );
    const { sealed } = both.seal('secret', AAD);
    expectOpenFailure(() => both.open('k2', sealed, AAD), 'authentication-failed');
  });

  it('after rotation, opens old rows, seals new ones under the new key and flags old rows for re-seal', () => {
    const before = sealer.seal('old-secret', AAD);
    const rotated = new SecretSealer(
      ring('k2', [
        ['k2', k2],
        ['k1', k1],
      ]),
    );
    expect(rotated.needsReseal(before.keyId)).toBe(true);
    const plaintext = rotated.open(before.keyId, before.sealed, AAD);
    const resealed = rotated.seal(plaintext, AAD);
    expect(resealed.keyId).toBe('k2');
    expect(rotated.needsReseal(resealed.keyId)).toBe(false);
    expect(rotated.open(resealed.keyId, resealed.sealed, AAD).toString()).toBe('old-secret');
  });

  it('refuses a ring whose current key is missing or the wrong size', () => {
    expect(() => new SecretSealer(ring('k2', [['k1', k1]]))).toThrow(KeyRingError);
    expect(() => new SecretSealer(ring('k1', [['k1', randomBytes(16)]]))).toThrow(/16 bytes/);
  });
});
