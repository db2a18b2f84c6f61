import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { keyRingOf, SecretSealer } from '@labkeys/secrets';

export interface SessionSecret {
  secretAccessKey: string;
  sessionToken: string;
}

export interface SealedSessionSecret {
  sealed: Buffer;
  keyId: string;
}

/**
 * Seals a session's secret key and token at rest (AES-256-GCM, key id beside
 * the ciphertext). The additional data binds a ciphertext to its tenant and
 * session, so rows cannot be swapped. LABKEYS_MASTER_KEY in production; a
 * generated local key file otherwise.
 */
@Injectable()
export class SessionSecrets {
  private readonly sealer: SecretSealer;

  constructor(config: AppConfig) {
    const ring = keyRingOf(config.masterKey, config.localKeyFile);
    this.sealer = new SecretSealer(ring);
  }

  seal(tenantId: string, sessionId: string, secret: SessionSecret): SealedSessionSecret {
    const { keyId, sealed } = this.sealer.seal(JSON.stringify(secret), aad(tenantId, sessionId));
    return { keyId, sealed };
  }

  open(tenantId: string, sessionId: string, keyId: string, sealed: Uint8Array): SessionSecret {
    return JSON.parse(
      this.sealer.open(keyId, Buffer.from(sealed), aad(tenantId, sessionId)).toString('utf8'),
    ) as SessionSecret;
  }

  /** True when the ciphertext was sealed under a key that is no longer current (rotation re-seals lazily). */
  needsReseal(keyId: string): boolean {
    return this.sealer.needsReseal(keyId);
  }
}

const aad = (tenantId: string, sessionId: string) => `labkeys:session:${tenantId}:${sessionId}`;
