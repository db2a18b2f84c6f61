import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const STATES = ['SCHEDULED', 'RUNNING', 'ENDED', 'CANCELLED'] as const;
const SORTS = ['createdAt', '-createdAt', 'startsAt', '-startsAt', 'name', '-name'];

export class CreateLabDto {
  @ApiProperty({ example: 'Lab 3: S3 permissions' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ format: 'uuid' }) @IsUUID() courseId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() templateId!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Automatic start; manual start only when omitted. Not in the past.',
  })
  @IsOmittable()
  @IsDateString({ strict: true })
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Automatic end; after startsAt.' })
  @IsOmittable()
  @IsDateString({ strict: true })
  endsAt?: string;

  @ApiPropertyOptional({
    minimum: 900,
    maximum: 43200,
    description:
      "Default: the template's duration. At most the role's MaxSessionDuration, and 3600 under role chaining.",
  })
  @IsOmittable()
  @IsInt()
  @Min(900)
  @Max(43200)
  sessionDurationSeconds?: number;

  @ApiPropertyOptional({ default: false, description: 'Issue a successor session ahead of expiry while the lab runs.' })
  @IsOmittable()
  @IsBoolean()
  autoRenew?: boolean;
}

/** Only while the lab is SCHEDULED. Null clears startsAt or endsAt. */
export class UpdateLabDto {
  @ApiPropertyOptional() @IsOmittable() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID() courseId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID() templateId?: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  @IsOptional()
  @IsDateString({ strict: true })
  startsAt?: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  @IsOptional()
  @IsDateString({ strict: true })
  endsAt?: string | null;
  @ApiPropertyOptional({ minimum: 900, maximum: 43200 })
  @IsOmittable()
  @IsInt()
  @Min(900)
  @Max(43200)
  sessionDurationSeconds?: number;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() autoRenew?: boolean;
}

export class ListLabsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID() courseId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID() templateId?: string;
  @ApiPropertyOptional({ enum: STATES }) @IsOmittable() @IsIn(STATES) state?: (typeof STATES)[number];
  @ApiPropertyOptional({ enum: SORTS }) @IsOmittable() @IsIn(SORTS) sort?: string;
}

export class LabDto {
  @ApiProperty() id!: string;
  @ApiProperty() courseId!: string;
  @ApiProperty() templateId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: STATES }) state!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) startsAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) endsAt!: Date | null;
  @ApiProperty() sessionDurationSeconds!: number;
  @ApiProperty() autoRenew!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) startedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) endedAt!: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt!: Date;
}

export class LabPageDto extends PageOf(LabDto, 'LabPage') {}
