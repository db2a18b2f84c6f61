import { Global, Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { ApiRedis } from './api-redis';

/** Services every feature module of the api uses. */
@Global()
@Module({
  providers: [ApiRedis, RateLimiter, TokenAuthenticator, AuditService],
  exports: [ApiRedis, RateLimiter, TokenAuthenticator, AuditService],
})
export class CommonModule {}
