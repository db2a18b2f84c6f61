import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { COURSE_CODE_PATTERN } from '@labkeys/templates';
import { PageQueryDto } from '../../common/dto/page-query.dto';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
// Query strings arrive as text; anything other than true/false stays a string and fails @IsIn.
const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

// Course codes are rendered into IAM session policies and tags, so they follow the placeholder's grammar.
const CODE_MESSAGE = 'code must start with a letter or digit and use at most 32 letters, digits, spaces or _.:/=+@-';
const COURSE_SORTS = ['createdAt', '-createdAt', 'code', '-code'] as const;

export class CreateCourseDto {
  @ApiProperty({
    example: 'CS-101',
    maxLength: 32,
    pattern: COURSE_CODE_PATTERN.source,
    description: 'Unique in the tenant; appears in IAM policies and tags.',
  })
  @Transform(trim)
  @IsString()
  @Matches(COURSE_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: 'Cloud Foundations', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      "When the course ends: students' access links stop working then. Without it a link works STUDENT_TOKEN_LIFETIME_DAYS (180) after it was issued.",
  })
  @IsOptional()
  @IsDateString({ strict: true })
  endsAt?: string | null;
}

export class UpdateCourseDto {
  @ApiPropertyOptional({ example: 'CS-101', maxLength: 32, pattern: COURSE_CODE_PATTERN.source })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @Matches(COURSE_CODE_PATTERN, { message: CODE_MESSAGE })
  code?: string;

  @ApiPropertyOptional({ example: 'Cloud Foundations', maxLength: 200 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    type: String,
    description: "When the course ends: students' access links stop working then. Null removes the end date.",
  })
  @IsOptional()
  @IsDateString({ strict: true })
  endsAt?: string | null;
}

export class ListCoursesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Only archived (true) or only current (false) courses.',
  })
  @IsOmittable()
  @Transform(queryBoolean)
  @IsIn([true, false], { message: 'archived must be true or false' })
  archived?: boolean;

  @ApiPropertyOptional({ description: 'Case-insensitive text contained in the code or title.', maxLength: 100 })
  @IsOmittable()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: COURSE_SORTS, default: 'createdAt' })
  @IsOmittable()
  @IsIn(COURSE_SORTS)
  sort?: (typeof COURSE_SORTS)[number];
}

export class CourseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'CS-101' }) code!: string;
  @ApiProperty({ example: 'Cloud Foundations' }) title!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date-time',
    description: "Students' access links stop working at the course's end.",
  })
  endsAt!: Date | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Archived courses refuse new enrollments and their access links do not work.',
  })
  archivedAt!: Date | null;
  @ApiProperty({ description: 'Students currently enrolled.' }) activeEnrollments!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt!: Date;
}

export class CoursePageDto extends PageOf(CourseDto, 'CoursePage') {}
