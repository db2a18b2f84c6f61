import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { StudentCourseDto } from './student.dto';

export class StudentChoiceLabDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['SCHEDULED', 'RUNNING'] }) state!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startsAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) endsAt!: string | null;
}

export class StudentLabChoiceDto {
  @ApiProperty() enrollmentId!: string;
  @ApiProperty({ description: 'The course this session works in now.' }) chosen!: boolean;
  @ApiProperty({ type: StudentCourseDto }) course!: StudentCourseDto;
  @ApiProperty({ type: [StudentChoiceLabDto], description: 'Its scheduled and running labs.' })
  labs!: StudentChoiceLabDto[];
}

export class StudentLabChoicesDto {
  @ApiProperty({ type: [StudentLabChoiceDto] }) courses!: StudentLabChoiceDto[];
}

export class ChooseEnrollmentDto {
  @ApiProperty({ description: 'The enrollment (course) to work in, from GET /v1/me/sso/labs.' })
  @IsUUID()
  enrollmentId!: string;
}
