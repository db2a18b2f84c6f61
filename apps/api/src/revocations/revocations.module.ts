import { Module } from '@nestjs/common';
import { RevocationsController } from './revocations.controller';

/** Revoking and ending access; the use case itself comes from the (global) CoreModule. */
@Module({ controllers: [RevocationsController] })
export class RevocationsModule {}
