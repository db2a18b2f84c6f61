import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const STUDENT_SORTS = ['createdAt', '-createdAt', 'email', '-email'] as const;

export class ListStudentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Exact email (compared trimmed and lower-cased).' })
  @IsOmittable()
  @Transform(lower)
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: 'Only students currently enrolled in this course.' })
  @IsOmittable()
  @IsUUID()
  courseId?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive text contained in the email, display name or handle.',
    maxLength: 100,
  })
  @IsOmittable()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: STUDENT_SORTS, default: 'createdAt' })
  @IsOmittable()
  @IsIn(STUDENT_SORTS)
  sort?: (typeof STUDENT_SORTS)[number];
}

export class UpdateStudentDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Grace Hopper',
    maxLength: 200,
    description: 'null clears it.',
  })
  @Transform(trim)
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName!: string | null;
}

/** Shared by the student and enrollment answers; re-exported so both modules describe a student the same way. */
export class StudentDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'grace@example.edu' }) email!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({
    example: 's-k3xq7m2pza',
    description: 'Pseudonymous name AWS sees (session names, tags, source identity); never the email.',
  })
  handle!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt!: Date;
}

export class StudentEnrollmentDto {
  @ApiProperty() id!: string;
  @ApiProperty() courseId!: string;
  @ApiProperty({ example: 'CS-101' }) courseCode!: string;
  @ApiProperty() courseTitle!: string;
  @ApiProperty({ description: 'False once unenrolled.' }) active!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) tokenIssuedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) unenrolledAt!: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class StudentDetailDto extends StudentDto {
  @ApiProperty({ type: [StudentEnrollmentDto] }) enrollments!: StudentEnrollmentDto[];
}

export class StudentPageDto extends PageOf(StudentDto, 'StudentPage') {}
