import { Module } from '@nestjs/common';
import { ClassProgressHub } from './class-progress';
import { ConsoleLinkController } from './console-link.controller';
import { ConsoleLinks } from './console-links';
import { StudentController } from './student.controller';
import { StudentSessionsService } from './student-sessions.service';
import { StudentWebSessions } from './student-web-sessions.service';
import { StudentSsoController } from './student-sso.controller';
import { StudentSsoSessions } from './student-sso-sessions.service';

/** The student's own API under /v1/me (page session, credentials, console links, event stream); the page itself is the web app's. */
@Module({
  controllers: [StudentController, ConsoleLinkController, StudentSsoController],
  providers: [StudentSessionsService, ConsoleLinks, StudentWebSessions, StudentSsoSessions, ClassProgressHub],
  exports: [StudentWebSessions, StudentSsoSessions],
})
export class MeModule {}
