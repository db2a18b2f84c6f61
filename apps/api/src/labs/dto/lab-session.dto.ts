import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';

export const SESSION_STATES = ['PENDING', 'ISSUING', 'ACTIVE', 'EXPIRED', 'REVOKING', 'REVOKED', 'FAILED'] as const;

export class ListLabSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SESSION_STATES })
  @IsOmittable()
  @IsIn(SESSION_STATES)
  state?: (typeof SESSION_STATES)[number];

  @ApiPropertyOptional({ enum: ['createdAt', '-createdAt', 'expiresAt', '-expiresAt'] })
  @IsOmittable()
  @IsIn(['createdAt', '-createdAt', 'expiresAt', '-expiresAt'])
  sort?: string;
}

export class StartLabResultDto {
  @ApiProperty() labId!: string;
  @ApiProperty({ enum: ['RUNNING'] }) state!: string;
  @ApiProperty({ description: 'Sessions created by this call.' }) created!: number;
  @ApiProperty({ description: 'Enrolled students who already had a live session.' }) alreadyLive!: number;
  @ApiProperty({ description: 'Issuance jobs (re)queued.' }) queued!: number;
}

/** What an instructor sees of a session: states and reasons, never secrets. */
export class LabSessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() labId!: string;
  @ApiProperty() studentId!: string;
  @ApiProperty() studentHandle!: string;
  @ApiProperty() studentEmail!: string;
  @ApiProperty({ enum: SESSION_STATES }) state!: string;
  @ApiProperty() roleSessionName!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) predecessorId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'AWS error code when FAILED.' }) failureCode!:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'AWS error message when FAILED.' }) failureReason!:
    string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: "The instructor's reason when the session was revoked with one.",
  })
  revokeReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The temporary access key id (not a secret).' })
  accessKeyId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) assumedRoleArn!: string | null;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) issuedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) expiresAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) endedAt!: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class LabSessionPageDto extends PageOf(LabSessionDto, 'LabSessionPage') {}
