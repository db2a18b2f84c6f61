import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto';
import { PageOf } from '../../common/dto/page.dto';
import { IsOmittable } from '../../common/is-omittable';

const ROLES = ['OWNER', 'INSTRUCTOR', 'ASSISTANT'] as const;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class CreateInstructorDto {
  @ApiProperty({ example: 'ada@example.edu' })
  @Transform(lower)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiProperty({ enum: ROLES, default: 'INSTRUCTOR' })
  @IsIn(ROLES)
  role: (typeof ROLES)[number] = 'INSTRUCTOR';
}

export class UpdateInstructorDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOmittable()
  @IsIn(ROLES)
  role?: (typeof ROLES)[number];

  @ApiPropertyOptional({ description: 'Disabled instructors cannot authenticate.' })
  @IsOmittable()
  @IsBoolean()
  disabled?: boolean;
}

export class ListInstructorsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOmittable()
  @IsIn(ROLES)
  role?: (typeof ROLES)[number];

  @ApiPropertyOptional({ enum: ['createdAt', '-createdAt', 'email', '-email'] })
  @IsOmittable()
  @IsIn(['createdAt', '-createdAt', 'email', '-email'])
  sort?: string;
}

export class CreateApiTokenDto {
  @ApiProperty({ example: 'laptop' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'ISO-8601 time after which the token stops working.' })
  @IsOmittable()
  @IsDateString({ strict: true })
  expiresAt?: string;
}

export class InstructorDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) disabledAt!: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class InstructorPageDto extends PageOf(InstructorDto, 'InstructorPage') {}

export class ApiTokenDto {
  @ApiProperty() id!: string;
  @ApiProperty() instructorId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'First characters of the token, for recognising it.' }) displayPrefix!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) expiresAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) revokedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastUsedAt!: Date | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class ApiTokenPageDto extends PageOf(ApiTokenDto, 'ApiTokenPage') {}

export class IssuedApiTokenDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The raw token (lk_…). Shown once; LabKeys keeps only its hash.' }) token!: string;
  @ApiProperty() displayPrefix!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) expiresAt!: Date | null;
}
