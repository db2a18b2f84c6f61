import { Module } from '@nestjs/common';
import { InstructorsController } from './instructors.controller';
import { InstructorsService } from './instructors.service';

@Module({ controllers: [InstructorsController], providers: [InstructorsService], exports: [InstructorsService] })
export class InstructorsModule {}
