import { Module } from '@nestjs/common';
import { LabSessionsService } from '@labkeys/core';
import { LabSessionsController } from './lab-sessions.controller';
import { LabSessionsQuery } from './lab-sessions.query';

@Module({ controllers: [LabSessionsController], providers: [LabSessionsService, LabSessionsQuery], exports: [LabSessionsService, LabSessionsQuery] })
export class LabSessionsModule {}
