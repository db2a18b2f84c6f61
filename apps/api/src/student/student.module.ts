import { Module } from '@nestjs/common';
import { ConsoleLinkController } from './console-link.controller';
import { ConsoleLinks } from './console-links';
import { StudentController } from './student.controller';
import { StudentSessionsService } from './student-sessions.service';
import { StudentWebSessions } from './student-web-sessions.service';

@Module({ controllers: [StudentController, ConsoleLinkController], providers: [StudentSessionsService, ConsoleLinks, StudentWebSessions], exports: [StudentWebSessions] })
export class StudentModule {}
