import { Module } from '@nestjs/common';
import { LabEventsController } from './lab-events.controller';
import { LabLifecycleController } from './lab-lifecycle.controller';
import { LabSessionsQuery } from './lab-sessions.query';
import { LabsController } from './labs.controller';
import { LabsService } from './labs.service';

/**
 * Labs from scheduling to their end: CRUD while scheduled, start, revoke and end, and what instructors watch of
 * a running lab. The start and revocation use cases come from the (global) CoreModule.
 */
@Module({
  controllers: [LabsController, LabLifecycleController, LabEventsController],
  providers: [LabsService, LabSessionsQuery],
})
export class LabsModule {}
