import { Global, Module } from '@nestjs/common';
import { PushHub } from './push-hub';
import { StreamSlots } from './stream-slots';

@Global()
@Module({ providers: [PushHub, StreamSlots], exports: [PushHub] })
export class PushModule {}
