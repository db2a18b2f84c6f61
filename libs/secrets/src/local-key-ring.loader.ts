import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KEY_BYTES, formatKeyRing, parseKeyRing } from './key-ring.parser';
import type { KeyRing } from './key-ring.parser';

/**
 * Local and demo runs keep their key in a file so sealed rows survive restarts without any setup.
 * Production sets LABKEYS_MASTER_KEY instead. The file holds the same format as that variable.
 */
/** The deployment's key ring: LABKEYS_MASTER_KEY when set, else the local key file (created on first use). */
export function keyRingOf(masterKey: string | undefined, localKeyFile: string): KeyRing {
  return masterKey ? parseKeyRing(masterKey, 'LABKEYS_MASTER_KEY') : loadOrCreateLocalKeyRing(localKeyFile);
}

export function loadOrCreateLocalKeyRing(filePath: string): KeyRing {
  const existing = readIfPresent(filePath);
  if (existing !== undefined) return parseKeyRing(existing, `key file ${filePath}`);

  mkdirSync(dirname(filePath), { recursive: true, mode: 0o700 });
  const keyId = `local-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  const ring: KeyRing = { currentKeyId: keyId, keys: new Map([[keyId, randomBytes(KEY_BYTES)]]) };
  try {
    // 'wx' so two processes starting together cannot each write a different key.
    writeFileSync(filePath, `${formatKeyRing(ring)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return parseKeyRing(readFileSync(filePath, 'utf8'), `key file ${filePath}`);
    }
    throw error;
  }
  // The umask can strip bits from the create mode but never add them; chmod makes 0600 exact.
  chmodSync(filePath, 0o600);
  return ring;
}

function readIfPresent(filePath: string): string | undefined {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
