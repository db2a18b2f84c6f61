import { Module } from '@nestjs/common';
import { RevocationsModule } from '../revocations/revocations.module';
import { CoursesController } from './courses.controller';
import { CoursesService } from './courses.service';

@Module({ imports: [RevocationsModule], controllers: [CoursesController], providers: [CoursesService] })
export class CoursesModule {}
