import { Module } from '@nestjs/common';
import { StudentController } from './student.controller';
import { StudentSessionsService } from './student-sessions.service';

@Module({ controllers: [StudentController], providers: [StudentSessionsService] })
export class StudentModule {}
