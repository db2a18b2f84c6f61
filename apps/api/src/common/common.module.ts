import { Global, Module } from '@nestjs/common';
import { AuditWriter, CallerIdentityCache, SessionSecrets } from '@labkeys/core';
import { AuditService } from '../audit/audit.service';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { ApiRedis } from './api-redis';

/** Services every feature module of the api uses. */
@Global()
@Module({
  providers: [ApiRedis, TokenAuthenticator, AuditService, { provide: AuditWriter, useExisting: AuditService }, SessionSecrets, CallerIdentityCache],
  exports: [ApiRedis, TokenAuthenticator, AuditService, AuditWriter, SessionSecrets, CallerIdentityCache],
})
export class CommonModule {}
