import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { keyRingOf, SecretSealer } from '@labkeys/secrets';

/**
 * Seals an access token waiting in an email delivery (the raw token must reach the student, so it cannot be
 * only hashed like the enrollment's copy). Bound to its tenant and delivery, destroyed once the mail is sent.
 */
@Injectable()
export class AccessLinkSecrets {
  private readonly sealer: SecretSealer;

  constructor(config: AppConfig) {
    this.sealer = new SecretSealer(keyRingOf(config.masterKey, config.localKeyFile));
  }

  seal(tenantId: string, deliveryId: string, token: string): { sealed: Buffer; keyId: string } {
    return this.sealer.seal(token, aad(tenantId, deliveryId));
  }

  open(tenantId: string, deliveryId: string, keyId: string, sealed: Uint8Array): string {
    return this.sealer.open(keyId, Buffer.from(sealed), aad(tenantId, deliveryId)).toString('utf8');
  }
}

const aad = (tenantId: string, deliveryId: string) => `labkeys:mail:${tenantId}:${deliveryId}`;
