import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AccessLinkSecrets } from '@labkeys/core';
import { LabSessionsModule } from '../lab-sessions/lab-sessions.module';
import { RevocationsModule } from '../revocations/revocations.module';
import { AccessLinkMailService } from './access-link-mail.service';
import { csvBodyParser } from './csv-upload';
import { AccessLinkEmailsController, EnrollmentsController } from './enrollments.controller';
import { EnrollmentsService } from './enrollments.service';
import { RosterImportController } from './roster-import.controller';

@Module({ imports: [LabSessionsModule, RevocationsModule], controllers: [RosterImportController, EnrollmentsController, AccessLinkEmailsController], providers: [EnrollmentsService, AccessLinkMailService, AccessLinkSecrets], exports: [EnrollmentsService] })
export class EnrollmentsModule implements NestModule {
  // Only the CSV route accepts large text bodies; every other route keeps the api-wide limits.
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(csvBodyParser).forRoutes({ path: 'v1/courses/:courseId/students/csv', method: RequestMethod.POST });
  }
}
