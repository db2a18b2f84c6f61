import { Module } from '@nestjs/common';
import { AccessLinkSecrets } from '@labkeys/core';
import { LabSessionsModule } from '../lab-sessions/lab-sessions.module';
import { RevocationsModule } from '../revocations/revocations.module';
import { AccessLinkMailService } from './access-link-mail.service';
import { AccessLinkEmailsController, EnrollmentsController } from './enrollments.controller';
import { EnrollmentsService } from './enrollments.service';
import { RosterImportController } from './roster-import.controller';

// The CSV route has no body-parsing middleware: middleware runs before the guards, so the body is read in
// the route itself (CsvUpload), after authentication.
@Module({
  imports: [LabSessionsModule, RevocationsModule],
  controllers: [RosterImportController, EnrollmentsController, AccessLinkEmailsController],
  providers: [EnrollmentsService, AccessLinkMailService, AccessLinkSecrets],
  exports: [EnrollmentsService],
})
export class EnrollmentsModule {}
