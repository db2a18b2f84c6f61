import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';

const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const ENROLLMENT_SORTS = ['createdAt', '-createdAt'] as const;

export class ListEnrollmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Only current (true) or only unenrolled (false) enrollments.',
  })
  @IsOmittable()
  @Transform(queryBoolean)
  @IsIn([true, false], { message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ enum: ENROLLMENT_SORTS, default: 'createdAt' })
  @IsOmittable()
  @IsIn(ENROLLMENT_SORTS)
  sort?: (typeof ENROLLMENT_SORTS)[number];
}

export class EnrolledStudentDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ description: 'Pseudonymous name AWS sees.' }) handle!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) displayName!: string | null;
}

export class AccessLinkEmailDto {
  @ApiProperty({
    enum: ['QUEUED', 'SENT', 'FAILED', 'SUPERSEDED'],
    description: 'FAILED is retried with backoff; SUPERSEDED: a newer link replaced it before it went out.',
  })
  state!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: "The SMTP server's answer to the last failed attempt.",
  })
  error!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) sentAt!: Date | null;
  @ApiProperty({ format: 'date-time' }) queuedAt!: Date;
}

export class EnrollmentDto {
  @ApiProperty() id!: string;
  @ApiProperty() courseId!: string;
  @ApiProperty() studentId!: string;
  @ApiProperty({ type: EnrolledStudentDto }) student!: EnrolledStudentDto;
  @ApiProperty({ description: "False once unenrolled; an unenrolled student's link no longer works." })
  active!: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the current access link was issued.',
  })
  tokenIssuedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) unenrolledAt!: Date | null;
  @ApiPropertyOptional({
    nullable: true,
    type: AccessLinkEmailDto,
    description: 'The latest email of an access link to this student.',
  })
  email!: AccessLinkEmailDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class EnrollmentPageDto extends PageOf(EnrollmentDto, 'EnrollmentPage') {}

export class IssuedAccessLinkDto {
  @ApiProperty({ description: 'Raw student access token (lks_…). Shown once; the previous one stopped working.' })
  accessToken!: string;
  @ApiProperty({ example: 'https://labkeys.example.edu/student#token=lks_…' }) accessLink!: string;
}

export class EmailAccessLinksDto {
  @ApiProperty({
    enum: ['unsent', 'all'],
    description:
      'unsent: students whose link was never emailed (or whose last email failed); all: every current student. Said explicitly: every emailed student gets a new link.',
  })
  @IsIn(['unsent', 'all'])
  only!: 'unsent' | 'all';
}

export class EmailedAccessLinksDto {
  @ApiProperty({ description: 'Emails queued; each student got a fresh link and their previous one stopped working.' })
  queued!: number;
  @ApiProperty({ type: [String] }) deliveryIds!: string[];
}
