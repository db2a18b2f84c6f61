import { Module } from '@nestjs/common';
import { StudentPageController } from '../student-page/student-page.controller';
import { StudentController } from './student.controller';
import { StudentSessionsService } from './student-sessions.service';

@Module({ controllers: [StudentController, StudentPageController], providers: [StudentSessionsService] })
export class StudentModule {}
