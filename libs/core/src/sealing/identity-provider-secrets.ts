import { Injectable } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { keyRingOf, SecretSealer } from '@labkeys/secrets';

/** Seals an identity provider's client secret at rest, bound to its tenant and provider so rows cannot be swapped. */
@Injectable()
export class IdentityProviderSecrets {
  private readonly sealer: SecretSealer;

  constructor(config: AppConfig) {
    this.sealer = new SecretSealer(keyRingOf(config.masterKey, config.localKeyFile));
  }

  seal(tenantId: string, providerId: string, secret: string): { sealed: Buffer; keyId: string } {
    return this.sealer.seal(secret, aad(tenantId, providerId));
  }

  open(tenantId: string, providerId: string, keyId: string, sealed: Uint8Array): string {
    return this.sealer.open(keyId, Buffer.from(sealed), aad(tenantId, providerId)).toString('utf8');
  }
}

const aad = (tenantId: string, providerId: string) => `labkeys:idp-client-secret:${tenantId}:${providerId}`;
