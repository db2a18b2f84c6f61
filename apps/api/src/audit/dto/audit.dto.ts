import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';

export class ListAuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'course.created' }) @IsOmittable() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional({ example: 'course' }) @IsOmittable() @IsString() @MaxLength(50) subjectType?: string;
  @ApiPropertyOptional() @IsOmittable() @IsUUID() subjectId?: string;
  @ApiPropertyOptional() @IsOmittable() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOmittable() @IsDateString({ strict: true }) since?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOmittable() @IsDateString({ strict: true }) until?: string;
  @ApiPropertyOptional({ enum: ['createdAt', '-createdAt'], default: '-createdAt' })
  @IsOmittable()
  @IsIn(['createdAt', '-createdAt'])
  sort?: string;
}

export class AuditEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'instructor' }) actorType!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty() subjectType!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) subjectId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) summary!: unknown;
  @ApiPropertyOptional({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class AuditPageDto extends PageOf(AuditEventDto, 'AuditPage') {}
