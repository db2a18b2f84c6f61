import { Module } from '@nestjs/common';
import { RevocationsModule } from '../revocations/revocations.module';
import { StudentsController } from './students.controller';
import { StudentsService } from './students.service';

@Module({ imports: [RevocationsModule], controllers: [StudentsController], providers: [StudentsService] })
export class StudentsModule {}
