import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { keyRingOf, SecretSealer } from '@labkeys/secrets';

/** Seals an instructor's TOTP secret at rest, bound to its tenant and instructor so rows cannot be swapped. */
@Injectable()
export class TotpSecrets {
  private readonly sealer: SecretSealer;

  constructor(config: AppConfig) {
    this.sealer = new SecretSealer(keyRingOf(config.masterKey, config.localKeyFile));
  }

  seal(tenantId: string, instructorId: string, secret: Uint8Array): { sealed: Buffer; keyId: string } {
    return this.sealer.seal(Buffer.from(secret), aad(tenantId, instructorId));
  }

  open(tenantId: string, instructorId: string, keyId: string, sealed: Uint8Array): Buffer {
    return this.sealer.open(keyId, Buffer.from(sealed), aad(tenantId, instructorId));
  }
}

const aad = (tenantId: string, instructorId: string) => `labkeys:totp:${tenantId}:${instructorId}`;
