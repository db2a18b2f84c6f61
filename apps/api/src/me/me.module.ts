import { Module } from '@nestjs/common';
import { StudentPageController } from '../student-page/student-page.controller';
import { ConsoleLinkController } from './console-link.controller';
import { ConsoleLinks } from './console-links';
import { StudentController } from './student.controller';
import { StudentSessionsService } from './student-sessions.service';

/** The student's own API under /v1/me (credentials, console links, event stream), and the page that uses it. */
@Module({ controllers: [StudentController, StudentPageController, ConsoleLinkController], providers: [StudentSessionsService, ConsoleLinks] })
export class MeModule {}
