import { Global, Module } from '@nestjs/common';
import { WEB_IDENTITY_TOKEN_SOURCE } from '@labkeys/aws';
import { OidcIssuer } from './oidc-issuer';

/** LabKeys' OIDC issuer, global so the AWS gateways find their token source wherever they are built. */
@Global()
@Module({
  providers: [OidcIssuer, { provide: WEB_IDENTITY_TOKEN_SOURCE, useExisting: OidcIssuer }],
  exports: [OidcIssuer, WEB_IDENTITY_TOKEN_SOURCE],
})
export class OidcModule {}
