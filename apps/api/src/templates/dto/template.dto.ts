import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const SORTS = ['createdAt', '-createdAt', 'name', '-name'];
const POLICY_EXAMPLE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:*', Resource: 'arn:{{partition}}:s3:::labs-{{course.code}}/{{student.handle}}/*' },
  ],
});

/**
 * Shapes only: limits and AWS rules (tag count, duration, policy grammar, sizes) are checked by the role
 * template validator so every violation is reported at once, each with its field.
 */
export class SessionTagDto {
  @ApiProperty({ example: 'course' }) @IsString() key!: string;
  @ApiProperty({ example: '{{course.code}}', description: 'May contain placeholders.' }) @IsString() value!: string;
}

export class CreateTemplateDto {
  @ApiProperty({ example: 'S3 basics' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  connectionId!: string;

  @ApiProperty({ example: 'arn:aws:iam::123456789012:role/LabKeysLab' })
  @IsString()
  roleArn!: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: POLICY_EXAMPLE,
    description:
      'Session policy: IAM policy JSON (as a string) with placeholders such as {{student.handle}}, {{course.code}}, {{lab.id}}, {{session.id}}, {{region}}.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  sessionPolicyTemplate?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  managedPolicyArns?: string[];

  @ApiProperty({ example: 3600, description: "900–43200 and within the role's MaxSessionDuration when known." })
  @IsInt()
  durationSeconds!: number;

  @ApiPropertyOptional({
    type: [SessionTagDto],
    description: 'Up to 47 (LabKeys adds labkeys:tenant, labkeys:lab, labkeys:session).',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => SessionTagDto)
  sessionTags?: SessionTagDto[];

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  transitiveTagKeys?: string[];

  @ApiPropertyOptional({ nullable: true, type: String, example: 'https://console.aws.amazon.com/s3/home' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  consoleDestination?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['eu-west-1'],
    description: 'Adds a deny on aws:RequestedRegion outside these.',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  allowedRegions?: string[];
}

/** Any subset; the merged template is validated as a whole. */
export class UpdateTemplateDto {
  @ApiPropertyOptional() @IsOmittable() @Transform(trim) @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID() connectionId?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() roleArn?: string;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  sessionPolicyTemplate?: string | null;
  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  managedPolicyArns?: string[];
  @ApiPropertyOptional() @IsOmittable() @IsInt() durationSeconds?: number;
  @ApiPropertyOptional({ type: [SessionTagDto] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => SessionTagDto)
  sessionTags?: SessionTagDto[];
  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  transitiveTagKeys?: string[];
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  consoleDestination?: string | null;
  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  allowedRegions?: string[];
}

export class ListTemplatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID() connectionId?: string;
  @ApiPropertyOptional({ enum: SORTS }) @IsOmittable() @IsIn(SORTS) sort?: string;
}

export class PreviewTemplateDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A student of this tenant; a sample handle when omitted.' })
  @IsOmittable()
  @IsUUID()
  studentId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: "A course of this tenant; the lab's course or a sample when omitted.",
  })
  @IsOmittable()
  @IsUUID()
  courseId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A lab of this tenant using this template; its session duration applies.',
  })
  @IsOmittable()
  @IsUUID()
  labId?: string;
}

export class TemplateDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() connectionId!: string;
  @ApiProperty() roleArn!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) sessionPolicyTemplate!: string | null;
  @ApiProperty({ type: [String] }) managedPolicyArns!: string[];
  @ApiProperty() durationSeconds!: number;
  @ApiProperty({ type: [SessionTagDto] }) sessionTags!: SessionTagDto[];
  @ApiProperty({ type: [String] }) transitiveTagKeys!: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) consoleDestination!: string | null;
  @ApiProperty({ type: [String] }) allowedRegions!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt!: Date;
}

export class TemplatePageDto extends PageOf(TemplateDto, 'TemplatePage') {}

export class PreviewSampleDto {
  @ApiProperty({ description: 'A sample handle stood in for the student.' }) student!: boolean;
  @ApiProperty({ description: 'A sample course stood in.' }) course!: boolean;
  @ApiProperty({ description: 'A sample lab id stood in.' }) lab!: boolean;
}

export class TemplatePreviewDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The exact STS AssumeRole parameters (RoleArn, RoleSessionName, DurationSeconds, Policy, PolicyArns, Tags, TransitiveTagKeys, SourceIdentity, ExternalId). The session id is fresh for each real session.',
  })
  assumeRole!: Record<string, unknown>;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Characters of the rendered session policy (limit 2048 with managed policies).',
  })
  policyLength!: number | null;
  @ApiProperty({ type: PreviewSampleDto }) sample!: PreviewSampleDto;
}
