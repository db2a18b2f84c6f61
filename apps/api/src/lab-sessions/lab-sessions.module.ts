import { Module } from '@nestjs/common';
import { LabSessionsController } from './lab-sessions.controller';
import { LabSessionsQuery } from './lab-sessions.query';

@Module({ controllers: [LabSessionsController], providers: [LabSessionsQuery], exports: [LabSessionsQuery] })
export class LabSessionsModule {}
