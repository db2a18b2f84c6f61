import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OidcIssuer } from '@labkeys/oidc';
import { Public } from '../auth/auth.decorators';

/**
 * LabKeys' OpenID Connect issuer (`PUBLIC_URL/oidc`), read by AWS STS when a school's IAM OIDC provider
 * checks a token. Public and cacheable; the JWKS' max-age stays below the publish lead of a rotated-in key.
 */
@ApiTags('oidc')
@Public()
@Controller('oidc')
export class OidcController {
  constructor(private readonly issuer: OidcIssuer) {}

  @Get('.well-known/openid-configuration')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiOkResponse({ description: 'OpenID Connect discovery document (issuer, jwks_uri, RS256).' })
  discovery() {
    return this.issuer.discovery();
  }

  @Get('jwks')
  @ApiOkResponse({
    description:
      'The public signing keys: every key that signs, will sign, or signed a token that has not expired yet.',
  })
  async jwks(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', `public, max-age=${this.issuer.jwksMaxAgeSeconds}`);
    return this.issuer.jwks();
  }
}
