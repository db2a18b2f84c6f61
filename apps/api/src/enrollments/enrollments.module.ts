import { Module } from '@nestjs/common';
import { LabSessionsModule } from '../lab-sessions/lab-sessions.module';
import { EnrollmentsController } from './enrollments.controller';
import { EnrollmentsService } from './enrollments.service';
import { RosterImportController } from './roster-import.controller';

// The CSV route has no body-parsing middleware: middleware runs before the guards, so the body is read in
// the route itself (CsvUpload), after authentication.
@Module({ imports: [LabSessionsModule], controllers: [RosterImportController, EnrollmentsController], providers: [EnrollmentsService], exports: [EnrollmentsService] })
export class EnrollmentsModule {}
