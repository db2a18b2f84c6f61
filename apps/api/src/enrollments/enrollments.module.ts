import { Module } from '@nestjs/common';
import { AccessLinkMailService } from './access-link-mail.service';
import { AccessLinkEmailsController, EnrollmentsController } from './enrollments.controller';
import { EnrollmentsService } from './enrollments.service';
import { RosterImportController } from './roster-import.controller';

// The CSV route has no body-parsing middleware: middleware runs before the guards, so the body is read in
// the route itself (CsvUpload), after authentication.
@Module({
  controllers: [RosterImportController, EnrollmentsController, AccessLinkEmailsController],
  providers: [EnrollmentsService, AccessLinkMailService],
  exports: [EnrollmentsService],
})
export class EnrollmentsModule {}
