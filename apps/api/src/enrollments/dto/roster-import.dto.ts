import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsOmittable } from '../../common/is-omittable';

/** One import holds at most this many students, so it always fits one transaction. */
export const MAX_ROSTER_ROWS = 5000;

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** One roster line; the JSON body and every CSV row are validated with this same class. */
export class StudentRowDto {
  @ApiProperty({
    example: 'grace@example.edu',
    description: 'Trimmed and lower-cased; identifies the student in the tenant.',
  })
  @Transform(lower)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({
    example: 'Grace Hopper',
    maxLength: 200,
    description: 'Used only for new students; existing students keep theirs.',
  })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName?: string;
}

export class ImportStudentsDto {
  @ApiProperty({ type: [StudentRowDto], minItems: 1, maxItems: MAX_ROSTER_ROWS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ROSTER_ROWS)
  @ValidateNested({ each: true })
  @Type(() => StudentRowDto)
  students!: StudentRowDto[];
}

export class StudentCountsDto {
  @ApiProperty({ description: 'Students new to the tenant.' }) created!: number;
  @ApiProperty({ description: 'Students the tenant already had (matched by email).' }) existing!: number;
}

export class EnrollmentCountsDto {
  @ApiProperty() created!: number;
  @ApiProperty({ description: 'Unenrolled students enrolled again, with a new access link.' }) reactivated!: number;
  @ApiProperty() alreadyEnrolled!: number;
}

export class AccessLinkDto {
  @ApiProperty() studentId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() enrollmentId!: string;
  @ApiProperty({ description: 'Raw student access token (lks_…). Shown once; LabKeys keeps only its hash.' })
  accessToken!: string;
  @ApiProperty({
    example: 'https://labkeys.example.edu/student#token=lks_…',
    description: 'The token travels in the fragment, which browsers never send to servers.',
  })
  accessLink!: string;
}

export class RosterImportResultDto {
  @ApiProperty({ type: StudentCountsDto }) students!: StudentCountsDto;
  @ApiProperty({ type: EnrollmentCountsDto }) enrollments!: EnrollmentCountsDto;
  @ApiProperty({ type: [AccessLinkDto], description: 'Only enrollments that received a new token in this request.' })
  accessLinks!: AccessLinkDto[];
}
