import { Global, Module } from '@nestjs/common';
import { PushHub } from './push-hub';

@Global()
@Module({ providers: [PushHub], exports: [PushHub] })
export class PushModule {}
