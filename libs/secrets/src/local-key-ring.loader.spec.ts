import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadOrCreateLocalKeyRing } from './local-key-ring.loader';
import { SecretSealer } from './secret.sealer';

describe('loadOrCreateLocalKeyRing', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'labkeys-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a private key file in a new directory and reloads the same key', () => {
    const file = join(dir, 'nested', 'state', 'master.key');
    const created = loadOrCreateLocalKeyRing(file);
    expect(created.keys.get(created.currentKeyId)).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const reloaded = loadOrCreateLocalKeyRing(file);
    expect(reloaded.currentKeyId).toBe(created.currentKeyId);
    expect(reloaded.keys.get(reloaded.currentKeyId)!.equals(created.keys.get(created.currentKeyId)!)).toBe(true);

    const sealed = new SecretSealer(created).seal('survives restarts', 'row');
    expect(new SecretSealer(reloaded).open(sealed.keyId, sealed.sealed, 'row').toString()).toBe('survives restarts');
  });

  it('reads an existing key file in the LABKEYS_MASTER_KEY format', () => {
    const file = join(dir, 'master.key');
    const key = randomBytes(32);
    writeFileSync(file, `mine:${key.toString('base64')}\n`);
    const ring = loadOrCreateLocalKeyRing(file);
    expect(ring.currentKeyId).toBe('mine');
    expect(ring.keys.get('mine')!.equals(key)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`mine:${key.toString('base64')}\n`);
  });

  it('names the file, not the key, when the file is unusable', () => {
    const file = join(dir, 'master.key');
    const short = randomBytes(8).toString('base64');
    writeFileSync(file, `mine:${short}`);
    expect(() => loadOrCreateLocalKeyRing(file)).toThrow(`key file ${file}`);
    expect(() => loadOrCreateLocalKeyRing(file)).not.toThrow(short);
  });
});
