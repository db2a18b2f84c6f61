import { Global, Module } from '@nestjs/common';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { ApiRedis } from './api-redis';

/** Services every feature module of the api uses. */
@Global()
@Module({
  providers: [ApiRedis, TokenAuthenticator],
  exports: [ApiRedis, TokenAuthenticator],
})
export class CommonModule {}
