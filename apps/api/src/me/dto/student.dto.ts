import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { CREDENTIAL_FORMATS } from '../credential-formats';
import { IsOmittable } from '../../common/is-omittable';

export class CurrentSessionQueryDto {
  @ApiPropertyOptional({
    enum: CREDENTIAL_FORMATS,
    default: 'json',
    description:
      'json, env (bash/zsh exports), fish, powershell, cmd (Windows), ini (~/.aws/credentials profile: the three keys), credentials (the same with the region), config (~/.aws/config profile running `labkeys credential-process`) or process (credential_process v1).',
  })
  @IsOmittable()
  @IsIn(CREDENTIAL_FORMATS)
  format?: (typeof CREDENTIAL_FORMATS)[number];

  @ApiPropertyOptional({ default: 'labkeys', description: 'Profile name for the ini, credentials and config formats.' })
  @IsOmittable()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'profile must be 1-64 letters, digits, _ . or -' })
  profile?: string;
}

export class ConsoleQueryDto {
  @ApiPropertyOptional({
    enum: ['redirect', 'json', 'link'],
    default: 'redirect',
    description:
      'json answers {url} (the federation sign-in URL) instead of a 302; link answers {url} with a fresh single-use LabKeys link that opens the console in a new tab.',
  })
  @IsOmittable()
  @IsIn(['redirect', 'json', 'link'])
  mode?: 'redirect' | 'json' | 'link';
}

export class StudentCredentialsDto {
  @ApiProperty() sessionId!: string;
  @ApiProperty() labId!: string;
  @ApiProperty() labName!: string;
  @ApiProperty({ enum: ['ACTIVE'] }) state!: string;
  @ApiProperty() accessKeyId!: string;
  @ApiProperty() secretAccessKey!: string;
  @ApiProperty() sessionToken!: string;
  @ApiProperty({ format: 'date-time' }) expiration!: string;
  @ApiProperty() region!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) assumedRoleArn!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Set when the lab runs against a non-default AWS endpoint.',
  })
  endpointUrl!: string | null;
  @ApiProperty() consoleUrl!: string;
}

export class StudentEventsQueryDto {
  @ApiPropertyOptional({
    description:
      'Where to resume, for clients that cannot send the Last-Event-ID header (a new EventSource after the old one gave up); the header wins when both are sent.',
    example: '1767225600000-0',
  })
  @IsOmittable()
  @Matches(/^\d{1,16}-\d{1,16}$/, { message: 'lastEventId must be a stream id (digits-digits)' })
  lastEventId?: string;
}

export const STUDENT_LAB_STATUSES = ['waiting', 'ready', 'renewing', 'expired', 'revoked', 'failed'] as const;
export type StudentLabStatus = (typeof STUDENT_LAB_STATUSES)[number];

export class StudentCourseDto {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) endsAt!: string | null;
}

export class StudentLabDto {
  @ApiProperty() labId!: string;
  @ApiProperty() labName!: string;
  @ApiProperty() sessionId!: string;
  @ApiProperty({ enum: ['PENDING', 'ISSUING', 'ACTIVE', 'EXPIRED', 'REVOKING', 'REVOKED', 'FAILED'] }) state!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) expiresAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: "AWS's error code when issuing failed." })
  failureCode!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: "AWS's message when issuing failed." })
  failureReason!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: "The instructor's reason when they revoked this session with one (plain text).",
  })
  revokeReason!: string | null;
}

export class StudentSessionDto {
  @ApiProperty({ enum: ['cookie', 'token'], description: 'How this request was authenticated.' }) via!:
    'cookie' | 'token';
  @ApiProperty({
    description:
      "Signed in through the school's identity provider (the course is a choice: GET /v1/me/sso/labs), not an access link.",
  })
  schoolSignIn!: boolean;
  @ApiProperty({ type: StudentCourseDto }) course!: StudentCourseDto;
  @ApiProperty({
    enum: STUDENT_LAB_STATUSES,
    description:
      'waiting (no credentials yet), ready, renewing (a successor is being issued), or ended: expired, revoked, failed.',
  })
  status!: StudentLabStatus;
  @ApiPropertyOptional({
    nullable: true,
    type: StudentLabDto,
    description: 'The session the status is about (the newest live one, else the last one); null before any.',
  })
  lab!: StudentLabDto | null;
}

export class ConsoleLinkDto {
  @ApiProperty({ description: 'A single-use link (five minutes) that opens the AWS console in a browser.' })
  url!: string;
}
