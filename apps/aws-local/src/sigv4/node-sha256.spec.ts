import { Sha256 } from '@aws-crypto/sha256-js';
import { NodeSha256 } from './node-sha256';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('NodeSha256', () => {
  it.each([undefined, 'secret', new Uint8Array([1, 2, 3])])(
    'gives the same digests as @aws-crypto/sha256-js (key %p)',
    async (key) => {
      const ours = new NodeSha256(key);
      const reference = new Sha256(key);
      for (const part of ['Action=AssumeRole&', new Uint8Array([0, 255, 7])]) {
        const data = typeof part === 'string' ? new TextEncoder().encode(part) : part;
        ours.update(data);
        reference.update(data);
      }
      expect(hex(await ours.digest())).toBe(hex(await reference.digest()));
      ours.reset();
      expect(hex(await ours.digest())).toBe(hex(await new Sha256(key).digest()));
    },
  );
});
